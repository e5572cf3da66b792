//! [`Vpc::from_lookup`]: an existing VPC found by tags or id, its attributes read from the
//! program's context file (`stackwright.context.json`), which the runtime's
//! `context --refresh` fills. Synth never calls AWS: see [`stackwright_core::lookup`].

use stackwright_core::lookup::{self, LookupAnswer, LookupQuery, SubnetTier, VpcAnswer, VpcQuery};
use stackwright_core::{Construct, Problems, Result};

use super::reference::check;
use super::{ExistingSubnet, SubnetKind, Vpc, VpcAttributes};
use crate::network::Ipv4Cidr;

/// Which existing VPC [`Vpc::from_lookup`] looks up: every criterion given must hold, and the
/// refresh command refuses a query that matches no VPC or several.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VpcLookup {
    query: VpcQuery,
}

impl VpcLookup {
    /// The VPC whose `Name` tag is `name`, the name the console shows.
    #[must_use]
    pub fn by_name(name: impl Into<String>) -> VpcLookup {
        VpcLookup { query: VpcQuery::default().name(name) }
    }

    /// The VPC whose id is `vpc_id` (its subnets and route tables are what is looked up).
    #[must_use]
    pub fn by_id(vpc_id: impl Into<String>) -> VpcLookup {
        VpcLookup { query: VpcQuery::default().id(vpc_id) }
    }

    /// Also requires the tag `key` with the value `value`.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query = self.query.tag(key, value);
        self
    }

    /// The query as the context file keys it.
    #[must_use]
    pub fn query(&self) -> &VpcQuery {
        &self.query
    }
}

impl Vpc {
    /// An existing VPC looked up by tags or id: the same handle as
    /// [`Vpc::from_attributes`](Vpc::from_attributes) gives, built from the answer stored in
    /// the program's context file for (its environment's account and region, this query).
    /// Subnet tiers are those the refresh command recognised (see
    /// [`SubnetTier`](stackwright_core::lookup::SubnetTier)).
    ///
    /// ```
    /// use stackwright_constructs::{Vpc, VpcLookup};
    /// use stackwright_core::{Account, App, Region};
    ///
    /// let app = App::new("demo");
    /// app.set_context_file("/nonexistent/stackwright.context.json");
    /// let stack = app.environment("prod", Account::new("123456789012")?, Region::UsEast1).stack("cluster");
    /// let vpc = Vpc::from_lookup(&stack, "Vpc", VpcLookup::by_name("shared"))?;
    /// assert!(vpc.is_referenced());
    /// // No answer yet: synth says which command fills it.
    /// let error = app.synth().unwrap_err();
    /// assert!(error.to_string().contains("context --refresh"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. A query without criteria, a missing
    /// context file or entry, an entry of this construct made for another query, a context
    /// file that cannot be read, and every problem [`Vpc::from_attributes`] finds in the stored
    /// answer are recorded at the VPC's path and reported by synth, with the command that
    /// fills the entry; the VPC is then rejected.
    pub fn from_lookup(scope: &impl Construct, id: &str, lookup: VpcLookup) -> Result<Vpc> {
        let mut problems = Problems::for_child(scope, id);
        let (_, environment) = problems.place("a looked-up Vpc")?;
        let region = environment.region();
        let query = lookup.query;
        if query.is_empty() {
            problems.push(
                "the VPC lookup has no criteria: it would match every VPC of the region",
                "look it up with VpcLookup::by_name(name), VpcLookup::by_id(id) or .tag(key, value)",
            );
        } else if let Some(LookupAnswer::Vpc(answer)) = problems.look_up(&environment, &LookupQuery::Vpc(query.clone()))
            && let Some(attributes) = attributes(&answer, &query, &mut problems)
        {
            check(&attributes, region, &mut problems);
            return Ok(Vpc::referenced_from(problems, region, &attributes));
        }
        // Rejected: the problems above say why; these ids are never rendered.
        let placeholder = VpcAttributes::new("vpc-00000000", "10.0.0.0/16".parse()?);
        Ok(Vpc::referenced_from(problems, region, &placeholder))
    }
}

/// The stored answer as attributes; `None`, with the problems pushed, when the file was edited
/// into something the refresh command never writes.
fn attributes(answer: &VpcAnswer, query: &VpcQuery, problems: &mut Problems) -> Option<VpcAttributes> {
    let edited = "run the refresh command again rather than editing the context file";
    if query.vpc_id.as_ref().is_some_and(|id| *id != answer.vpc_id) {
        problems.push(
            format!("the context file answers {query} with the VPC {}", answer.vpc_id),
            format!("{edited}: `{}`", lookup::REFRESH_COMMAND),
        );
        return None;
    }
    let mut cidr = |text: &str| match text.parse::<Ipv4Cidr>() {
        Ok(block) => Some(block),
        Err(_) => {
            problems.push(format!("the context file's answer has '{text}' for a block"), edited);
            None
        }
    };
    let mut attributes =
        VpcAttributes::new(answer.vpc_id.clone(), cidr(&answer.cidr)?).load_balancer_tags(answer.load_balancer_tags);
    for subnet in &answer.subnets {
        let kind = match subnet.tier {
            SubnetTier::Public => SubnetKind::Public,
            SubnetTier::Private => SubnetKind::PrivateWithEgress,
            SubnetTier::Isolated => SubnetKind::Isolated,
        };
        let existing = ExistingSubnet::new(
            subnet.availability_zone.clone(),
            subnet.subnet_id.clone(),
            cidr(&subnet.cidr)?,
            subnet.route_table_id.clone(),
        );
        attributes = attributes.subnet(kind, existing);
    }
    Some(attributes)
}
