//! [`EcrRepo::from_name`] and [`EcrRepo::from_arn`]: an ECR repository that already exists,
//! whose images workloads run and whose name the pipeline pushes to.
//!
//! A referenced repository adds nothing to any template: its ARN and URI are literal strings
//! computed from the name, account and region, so an image of it renders as it is (no
//! late-bound placeholder, no stack output). The program never changes it: granting pull or
//! push through its repository policy is a synth error.

use std::cell::RefCell;

use stackwright_core::{Account, Attr, Construct, Diagnostic, Problems, Region, Result, Value};

use super::{Backing, EcrRepo, repository_name_problem};

impl EcrRepo {
    /// An existing repository of the scope's environment (its account and region), by name,
    /// such as `team/orders`. Its tags count as movable (the program cannot see the
    /// repository's setting): pin images by digest, or see [`EcrRepo::image_tag`].
    ///
    /// ```
    /// use stackwright_constructs::EcrRepo;
    /// use stackwright_core::{Account, App, Region};
    ///
    /// let app = App::new("demo");
    /// let prod = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
    /// let repo = EcrRepo::from_name(&prod.stack("cluster"), "Orders", "team/orders")?;
    /// assert!(repo.is_referenced());
    /// assert_eq!(repo.repository_uri().value(), &"123456789012.dkr.ecr.us-east-1.amazonaws.com/team/orders".into());
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. A malformed name, a bad or duplicate
    /// `id` or a scope outside a stack is recorded at the repository's path and reported by
    /// synth; the repository is then rejected, and so are the workloads whose image it gives.
    pub fn from_name(scope: &impl Construct, id: &str, name: &str) -> Result<EcrRepo> {
        let mut problems = Problems::for_child(scope, id);
        let (_, environment) = problems.place("a referenced EcrRepo")?;
        check_name(&mut problems, name);
        Ok(referenced(problems, name, environment.account().as_str(), environment.region().as_str()))
    }

    /// An existing repository by ARN, `arn:aws:ecr:<region>:<account>:repository/<name>`: one
    /// of another account or region too (its policy must then let this account's node role
    /// pull; the program cannot change it).
    ///
    /// # Errors
    /// As [`from_name`](Self::from_name); a malformed ARN (or name in it), an account that is
    /// not 12 digits or an unknown region is recorded and reported the same way.
    pub fn from_arn(scope: &impl Construct, id: &str, arn: &str) -> Result<EcrRepo> {
        let mut problems = Problems::for_child(scope, id);
        problems.place("a referenced EcrRepo")?;
        let parsed = parse_arn(arn);
        match &parsed {
            Some((region, account, name)) => {
                if Account::new(*account).is_err() {
                    problems.push(
                        format!("the account '{account}' of repository ARN '{arn}' is not 12 digits"),
                        "copy the ARN from `aws ecr describe-repositories` (repositoryArn)",
                    );
                }
                if region.parse::<Region>().is_err() {
                    problems.push(
                        format!("the region '{region}' of repository ARN '{arn}' is not a region stackwright knows"),
                        "copy the ARN from `aws ecr describe-repositories` (repositoryArn)",
                    );
                }
                check_name(&mut problems, name);
            }
            None => problems.push(
                format!("'{arn}' is not an ECR repository ARN"),
                "write it as arn:aws:ecr:<region>:<account>:repository/<name>, as `aws ecr describe-repositories` shows it",
            ),
        }
        let (region, account, name) = parsed.unwrap_or_default();
        Ok(referenced(problems, name, account, region))
    }

    /// Says that the existing repository's tags are immutable (`imageTagMutability:
    /// IMMUTABLE`, which `aws ecr describe-repositories` shows): its images named by tag then
    /// count as pinned, like those of an `EcrRepo` the program creates with immutable tags.
    /// Synth cannot check it; a repository whose tags can move would let a tag name other
    /// bytes later. On a repository the program creates it is a synth error: its props set the
    /// tag mutability.
    #[must_use]
    pub fn declare_immutable_tags(mut self) -> Self {
        if self.is_referenced() {
            self.immutable_tags = true;
        } else {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                "declare_immutable_tags is for a referenced repository",
                "set EcrRepoProps::tag_mutability on a repository the program creates (immutable is its default)",
            ));
        }
        self
    }

    /// True for a repository from [`from_name`](Self::from_name) or
    /// [`from_arn`](Self::from_arn): one that exists already, which the program uses but never
    /// changes.
    pub fn is_referenced(&self) -> bool {
        matches!(self.backing, Backing::Referenced { .. })
    }
}

/// The handle of the repository `name` in `account` and `region`, after its checks.
fn referenced(problems: Problems, name: &str, account: &str, region: &str) -> EcrRepo {
    let node = problems.add_node();
    let (arn, uri) = if node.is_rejected() {
        (node.rejected_attr(), node.rejected_attr())
    } else {
        // Checked above: the values are an ARN and a repository URI, literal strings.
        (
            Attr::from_value_unchecked(Value::from(format!("arn:aws:ecr:{region}:{account}:repository/{name}"))),
            Attr::from_value_unchecked(Value::from(format!("{account}.dkr.ecr.{region}.amazonaws.com/{name}"))),
        )
    };
    EcrRepo {
        node,
        name: name.to_string(),
        backing: Backing::Referenced { arn, uri },
        immutable_tags: false,
        grants: RefCell::new(Vec::new()),
    }
}

fn check_name(problems: &mut Problems, name: &str) {
    if let Some(problem) = repository_name_problem(name) {
        problems.push(
            format!("invalid repository name '{name}': {problem}"),
            "give the existing repository's name as `aws ecr describe-repositories` shows it (repositoryName)",
        );
    }
}

/// `arn:aws:ecr:<region>:<account>:repository/<name>` as (region, account, name).
fn parse_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:ecr:")?;
    let (region, rest) = rest.split_once(':')?;
    let (account, rest) = rest.split_once(':')?;
    let name = rest.strip_prefix("repository/")?;
    Some((region, account, name))
}
