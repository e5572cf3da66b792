//! A construct written by a user, not by the library: `EncryptedTopic` (a KMS key with rotation,
//! an SNS topic encrypted with it, a topic policy that only lets the named AWS services publish
//! and refuses anything without TLS, e-mail subscriptions) and `PublisherRole` (an IAM role one
//! service assumes to publish to one topic: `sns:Publish` on that topic and the two KMS actions
//! on that key, nothing else), wired through a typed handle (`TopicHandle`); and, through the
//! `RawResource` escape hatch, an EventBridge Scheduler schedule that sends a weekly test message
//! with that role. One stack, in eu-central-1.
//!
//! `docs/writing-a-construct.md` walks through it; `tests/team_topic_snapshot.rs` pins its
//! output and feeds the construct bad props. `cargo run --example team_topic -- synth --out
//! target/synth/team_topic` synthesizes it (no AWS account needed).

use std::cell::Cell;
use std::process::ExitCode;
use std::rc::Rc;

use stackwright::cfn::{Tag, iam, kms, sns};
use stackwright::constructs::{Principal, record_wildcard_reasons};
use stackwright::core::{Arn, CheckContext, Diagnostic, Node, Problems};
use stackwright::prelude::*;

fn main() -> ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// The program: a team's alerts topic in Frankfurt that CloudWatch alarms publish to, and a
/// weekly test message that EventBridge Scheduler sends with a role allowed nothing else.
///
/// # Errors
///
/// Only a value parsed before any construct takes it (the account): the constructs record the
/// problems of their input in the tree, where `app.run()` reports them all (none for this
/// program).
pub(crate) fn build() -> stackwright::Result<App> {
    let app = App::new("payments");
    let prod = app.environment("prod", Account::new("345678901234")?, Region::EuCentral1);
    let notifications = prod.stack("notifications");
    notifications.set_description("payments team notifications: encrypted SNS topic and its publisher");

    // ANCHOR: use
    let topic = EncryptedTopic::new(
        &notifications,
        "Alerts",
        EncryptedTopicProps::new("Payments alerts").publishing_services(["cloudwatch.amazonaws.com"]),
    )?;
    topic.subscribe_email("payments-oncall@example.com")?;
    let alerts = topic.handle();
    let publisher = PublisherRole::new(&notifications, "SchedulerPublisher", "scheduler.amazonaws.com", &alerts)?;

    // The escape hatch: EventBridge Scheduler has no generated type (see stackwright-cfn's
    // allowlist.txt), so its schedule is a RawResource with CloudFormation's property names.
    // A weekly test message proves the alert path still works.
    let target = Value::map([
        ("Arn", Value::from(&alerts.topic_arn)),
        ("RoleArn", Value::from(publisher.arn())),
        ("Input", Value::from("weekly test of the payments alerts topic: no action needed")),
    ]);
    Resource::new(
        &notifications,
        "WeeklyTest",
        RawResource::new("AWS::Scheduler::Schedule")
            .with("Description", "Weekly test message to the payments alerts topic")
            .with("ScheduleExpression", "cron(0 9 ? * MON *)")
            .with("ScheduleExpressionTimezone", "Europe/Berlin")
            .with("FlexibleTimeWindow", Value::map([("Mode", "OFF")]))
            .with("KmsKeyArn", &alerts.key_arn)
            .with("Target", target),
    )?;
    // ANCHOR_END: use
    Ok(app)
}

// ANCHOR: props
/// The properties of an [`EncryptedTopic`]: the display name is required (`new`), the rest
/// has a default and a setter named like the field (`docs/props.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EncryptedTopicProps {
    /// What subscribers see as the sender (1 to 100 characters); required.
    pub(crate) display_name: String,
    /// The AWS service principals that may publish (`events.amazonaws.com`); default: none
    /// (only roles of the account given the [`PublisherRole`] policy).
    pub(crate) publishing_services: Vec<String>,
}

impl EncryptedTopicProps {
    /// Props with `display_name` and no publishing service.
    #[must_use]
    pub(crate) fn new(display_name: impl Into<String>) -> Self {
        EncryptedTopicProps { display_name: display_name.into(), publishing_services: Vec::new() }
    }

    /// Lets these AWS service principals (`cloudwatch.amazonaws.com`) publish.
    #[must_use]
    pub(crate) fn publishing_services(mut self, principals: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.publishing_services = principals.into_iter().map(Into::into).collect();
        self
    }
}
// ANCHOR_END: props

// ANCHOR: handle
/// What a consumer of the topic needs, typed: the topic's ARN and its key's ARN. A
/// `PublisherRole` takes this, so it cannot be handed a bucket's or a role's ARN by mistake.
#[derive(Debug, Clone)]
pub(crate) struct TopicHandle {
    /// The topic construct's node: a consumer of a rejected topic is rejected with it.
    pub(crate) node: Node,
    /// The topic's ARN (its `Ref`).
    pub(crate) topic_arn: Attr<Arn>,
    /// The ARN of the KMS key the topic encrypts with.
    pub(crate) key_arn: Attr<Arn>,
}
// ANCHOR_END: handle

// ANCHOR: construct
/// An SNS topic encrypted with its own KMS key (rotation on), TLS-only, that only the listed
/// AWS services of this account may publish to.
pub(crate) struct EncryptedTopic {
    node: Node,
    topic: Resource<sns::Topic>,
    key: Resource<kms::Key>,
    /// The addresses given to `subscribe_email`, shared with the check registered in `new`.
    subscriptions: Rc<Cell<u32>>,
}

impl Construct for EncryptedTopic {
    fn node(&self) -> &Node {
        &self.node
    }
}
// ANCHOR_END: construct

impl EncryptedTopic {
    // ANCHOR: new
    /// Adds the key, the topic and its policy below `scope` (inside a stack).
    ///
    /// # Errors
    ///
    /// Only when `scope` is outside every environment. Every problem of `props` — and a bad
    /// or duplicate `id`, or a scope outside a stack — is recorded at the topic's path for
    /// synth to report with every other construct's problems; the topic is then *rejected*:
    /// it adds nothing, and its ARNs are values synth never renders.
    pub(crate) fn new(scope: &impl Construct, id: &str, props: EncryptedTopicProps) -> stackwright::Result<Self> {
        // 1. Check every prop and collect every problem, at the path the topic is about to get.
        let mut problems = Problems::for_child(scope, id);
        problems.place("an EncryptedTopic")?;
        let name = props.display_name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(
                format!("display name '{}' is empty or longer than 100 characters", props.display_name),
                "give the topic a display name of 1 to 100 characters, such as 'Payments alerts'",
            );
        }
        for service in &props.publishing_services {
            if !is_service_principal(service) {
                problems.push(
                    format!("'{service}' is not an AWS service principal"),
                    "name the service as <service>.amazonaws.com, such as events.amazonaws.com",
                );
            }
        }
        let key_policy = key_policy(&props.publishing_services);
        problems.extend(key_policy.problems(problems.path()));

        // 2. The construct's own node, rejected if anything was found: then build nothing.
        let node = problems.add_node();
        if node.is_rejected() {
            return Ok(EncryptedTopic::rejected(node));
        }
        // 3. The resources: L1 types from stackwright::cfn, policies from the library's
        //    typed (least-privilege-checked) documents.
        let key = Resource::new(
            &node,
            "Key",
            kms::Key::new()
                .with_description(format!("Encrypts the SNS topic {}", node.path()))
                .with_enable_key_rotation(true)
                .with_key_policy(key_policy.to_value()),
        )?;
        // The reasons given to allow_wildcard go into the key's Metadata, for reviews and rules.
        record_wildcard_reasons(key.node(), [(&key_policy, "/Properties/KeyPolicy")]);
        let topic = Resource::new(
            &node,
            "Topic",
            sns::Topic::new()
                .with_display_name(name)
                .with_kms_master_key_id(key.arn())
                .with_tags([Tag::new("team", node.app_name())]),
        )?;
        let policy = topic_policy(&topic.reference(), &props.publishing_services);
        Resource::new(&node, "Policy", sns::TopicPolicy::new(policy.to_value(), vec![topic.reference()]))?;

        // 4. A check on the finished tree: a topic nobody subscribes to tells nobody.
        let me = node.node_ref();
        let subscriptions = Rc::new(Cell::new(0));
        let given = Rc::clone(&subscriptions);
        node.add_check(move |tree: &CheckContext<'_>| {
            if given.get() > 0 {
                return Vec::new();
            }
            vec![Diagnostic::new(
                tree.path(me),
                "the topic has no subscription: its messages would reach nobody",
                "call subscribe_email(...) on the EncryptedTopic",
            )]
        });
        Ok(EncryptedTopic { node, topic, key, subscriptions })
    }

    /// The handle of a rejected topic: no resource was created, and the key's and the topic's
    /// ARNs are values of the rejected construct, which synth never renders.
    fn rejected(node: Node) -> Self {
        EncryptedTopic {
            topic: Resource::rejected(&node),
            key: Resource::rejected(&node),
            node,
            subscriptions: Rc::new(Cell::new(0)),
        }
    }
    // ANCHOR_END: new

    /// The typed handle consumers take.
    #[must_use]
    pub(crate) fn handle(&self) -> TopicHandle {
        TopicHandle { node: self.node.clone(), topic_arn: self.topic.reference(), key_arn: self.key.arn() }
    }

    // ANCHOR: subscribe
    /// Sends every message to `address` (the owner confirms the subscription by e-mail).
    ///
    /// # Errors
    ///
    /// None of the address's: an address that is not an e-mail address is recorded at the
    /// topic for synth to report, like the library's `EcrRepo::grant_pull`. What is left is
    /// an id of the topic's taken by a child you added yourself.
    pub(crate) fn subscribe_email(&self, address: &str) -> stackwright::Result<()> {
        // Counted even when the address is wrong: that is one problem, not also "no subscription".
        let n = self.subscriptions.get() + 1;
        self.subscriptions.set(n);
        if !address.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.')) {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                format!("'{address}' is not an e-mail address"),
                "subscribe an address such as team-oncall@example.com",
            ));
            return Ok(());
        }
        if self.node.is_rejected() {
            return Ok(()); // nothing to subscribe to: the topic's problems are reported
        }
        Resource::new(
            &self.node,
            &format!("Subscription{n}"),
            sns::Subscription::new("email", self.topic.reference()).with_endpoint(address),
        )?;
        Ok(())
    }
    // ANCHOR_END: subscribe
}

fn is_service_principal(service: &str) -> bool {
    service.strip_suffix(".amazonaws.com").is_some_and(|name| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    })
}

/// The key's policy: the account administers it (or the key becomes unmanageable), and each
/// publishing service may only generate data keys and decrypt.
fn key_policy(services: &[String]) -> PolicyDocument {
    let mut admin = Statement::trust(
        Principal::Aws(sub!("arn:", Pseudo::Partition, ":iam::", Pseudo::AccountId, ":root")),
        "kms:*",
    )
    .sid("AccountAdministersTheKey")
    .allow_wildcard("a key policy must let the account administer its key; its Resource '*' means this key only");
    admin.resources.push("*".into());
    let mut statements = vec![admin];
    for (i, service) in services.iter().enumerate() {
        let mut s = Statement::trust(Principal::Service(service.clone()), "kms:Decrypt")
            .sid(&format!("Publisher{}UsesTheKey", i + 1));
        s.actions.push("kms:GenerateDataKey*".into());
        s.resources.push("*".into());
        statements.push(s);
    }
    PolicyDocument::new(statements)
}

/// The topic's policy: the publishing services of this account may publish; nobody may
/// publish without TLS.
fn topic_policy(topic_arn: &Attr<Arn>, services: &[String]) -> PolicyDocument {
    let mut statements = Vec::new();
    for (i, service) in services.iter().enumerate() {
        let mut s = Statement::trust(Principal::Service(service.clone()), "sns:Publish")
            .sid(&format!("Publisher{}Publishes", i + 1))
            .condition("StringEquals", "aws:SourceAccount", [Value::from(Pseudo::AccountId)]);
        s.resources.push(topic_arn.into());
        statements.push(s);
    }
    let mut tls = Statement::trust(Principal::Aws("*".into()), "sns:Publish")
        .deny()
        .sid("DenyPublishingWithoutTls")
        .condition("Bool", "aws:SecureTransport", ["false"]);
    tls.resources.push(topic_arn.into());
    statements.push(tls);
    PolicyDocument::new(statements)
}

// ANCHOR: consumer
/// An IAM role that one AWS service assumes to publish to one topic, and nothing else.
pub(crate) struct PublisherRole {
    node: Node,
    role: Resource<iam::Role>,
}

impl Construct for PublisherRole {
    fn node(&self) -> &Node {
        &self.node
    }
}

impl PublisherRole {
    /// A role `service` (`events.amazonaws.com`) assumes to publish to `topic`.
    ///
    /// # Errors
    ///
    /// Only when `scope` is outside every environment. A `service` that is not a service
    /// principal — and a bad or duplicate `id`, or a scope outside a stack — is recorded at
    /// the role's path; the role is then *rejected*. A rejected topic rejects the role too,
    /// without a problem of its own (the topic's are reported).
    pub(crate) fn new(
        scope: &impl Construct,
        id: &str,
        service: &str,
        topic: &TopicHandle,
    ) -> stackwright::Result<Self> {
        let mut problems = Problems::for_child(scope, id);
        problems.place("a PublisherRole")?;
        if !is_service_principal(service) {
            problems.push(
                format!("'{service}' is not an AWS service principal"),
                "name the service as <service>.amazonaws.com, such as events.amazonaws.com",
            );
        }
        let publish = PolicyDocument::new([
            Statement::allow(["sns:Publish"], [&topic.topic_arn]).sid("PublishToTheTopic"),
            Statement::allow(["kms:Decrypt", "kms:GenerateDataKey"], [&topic.key_arn]).sid("EncryptWithItsKey"),
        ]);
        problems.extend(publish.problems(problems.path()));
        let node = problems.add_node();
        if !node.is_rejected() && topic.node.is_rejected() {
            node.reject_because_of(&topic.node);
        }
        if node.is_rejected() {
            return Ok(PublisherRole { role: Resource::rejected(&node), node });
        }
        let trust = PolicyDocument::new([Statement::trust(Principal::Service(service.to_string()), "sts:AssumeRole")
            .condition("StringEquals", "aws:SourceAccount", [Value::from(Pseudo::AccountId)])]);
        let role = Resource::new(
            &node,
            "Role",
            iam::Role::new(trust.to_value())
                .with_description(format!("{service} publishes to one SNS topic"))
                .with_policies([iam::role::Policy::new(publish.to_value(), "PublishToOneTopic")]),
        )?;
        Ok(PublisherRole { node, role })
    }

    /// The role's ARN.
    #[must_use]
    pub(crate) fn arn(&self) -> Attr<Arn> {
        self.role.arn()
    }
}
// ANCHOR_END: consumer
