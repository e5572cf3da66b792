//! [`EcrRepo`]: a private ECR repository with scan on push, immutable tags, KMS encryption,
//! typed lifecycle rules and a repository policy built from grants — and the typed image
//! references ([`ContainerImage`]) that workloads such as `FlaskApp` take.

use std::cell::RefCell;

use stackwright_cfn::{Tag, ecr};
use stackwright_core::{Arn, Attr, Construct, Diagnostic, Node, Problems, Resource, Result, Val};

use crate::iam::{Effect, PolicyDocument, Principal, Statement};
use crate::internal::encryption_key::encryption_key;
use crate::internal::problems::{built_or_rejected, kebab_case};
use crate::workload::image::{ContainerImage, ImageReference, RepositoryUri};

mod reference;

/// Whether a tag, once pushed, can be moved to another image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagMutability {
    /// A tag names one image forever (the default): `v1.4.2` deployed today is `v1.4.2`
    /// deployed next month.
    #[default]
    Immutable,
    /// A tag can be pushed again to name another image (`latest`-style tags).
    Mutable,
}

/// How images are encrypted at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EcrEncryption {
    /// KMS with the AWS managed key `aws/ecr` (the default): KMS encryption with nothing to
    /// administer.
    #[default]
    AwsManagedKms,
    /// KMS with a customer-managed key this construct creates (rotation on), for control over
    /// the key policy and to revoke access by disabling the key.
    CustomerManagedKms,
}

/// A lifecycle rule. Rules apply in the order listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LifecycleRule {
    /// Expire untagged images (old layers of rebuilt tags, failed pushes) this many days after
    /// they were pushed.
    ExpireUntaggedAfterDays(u32),
    /// Keep only the newest `count` images whose tag starts with `prefix`.
    KeepLastWithTagPrefix {
        /// The tag prefix (`release-`).
        prefix: String,
        /// How many of those images are kept.
        count: u32,
    },
    /// Keep only the newest `count` tagged images.
    KeepLastTagged(u32),
}

/// The properties of an [`EcrRepo`]. Every field has a production-safe default.
#[derive(Debug, Clone, PartialEq)]
pub struct EcrRepoProps {
    /// The repository name. Default: `<app>/<id in kebab case>` (`flask-platform/flask-app`).
    pub repository_name: Option<String>,
    /// Whether tags can be moved. Default: immutable.
    pub tag_mutability: TagMutability,
    /// Scan every pushed image for vulnerabilities. Default: on.
    pub scan_on_push: bool,
    /// How images are encrypted. Default: KMS with the AWS managed key.
    pub encryption: EcrEncryption,
    /// The lifecycle rules, applied in order. Default: expire untagged images after 7 days,
    /// keep the last 50 tagged images.
    pub lifecycle_rules: Vec<LifecycleRule>,
}

impl Default for EcrRepoProps {
    fn default() -> Self {
        EcrRepoProps {
            repository_name: None,
            tag_mutability: TagMutability::Immutable,
            scan_on_push: true,
            encryption: EcrEncryption::AwsManagedKms,
            lifecycle_rules: vec![LifecycleRule::ExpireUntaggedAfterDays(7), LifecycleRule::KeepLastTagged(50)],
        }
    }
}

crate::internal::setters::setters! { EcrRepoProps {
    some_into repository_name: String,
    value tag_mutability: TagMutability,
    value scan_on_push: bool,
    value encryption: EcrEncryption,
    list lifecycle_rules: LifecycleRule,
} }

/// The actions a pull needs on the repository.
pub const PULL_ACTIONS: [&str; 3] =
    ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/// The actions a push needs on the repository (besides `ecr:GetAuthorizationToken`, which is
/// granted in the pusher's own IAM policy: it has no resource).
pub const PUSH_ACTIONS: [&str; 5] = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
];

/// A private ECR repository.
///
/// ```
/// use stackwright_constructs::{EcrRepo, EcrRepoProps};
/// use stackwright_core::{Account, App, Region};
///
/// let app = App::new("flask-platform");
/// let prod = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
/// let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default())?;
/// assert_eq!(repo.name(), "flask-platform/flask-app");
/// let image = repo.image_tag_from_env("IMAGE_TAG"); // what FlaskAppProps::new takes
/// assert!(!image.is_pinned_by_digest());
/// app.synth()?;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
pub struct EcrRepo {
    node: Node,
    name: String,
    backing: Backing,
    immutable_tags: bool,
    grants: RefCell<Vec<Statement>>,
}

/// What an [`EcrRepo`] stands for: a repository resource of this program, or an existing one
/// known by its (literal) ARN and URI.
enum Backing {
    /// A repository this program creates (or the handle of a rejected one).
    Owned(Resource<ecr::Repository>),
    /// A repository that exists already ([`EcrRepo::from_name`], [`EcrRepo::from_arn`]).
    Referenced {
        /// `arn:aws:ecr:<region>:<account>:repository/<name>`.
        arn: Attr<Arn>,
        /// `<account>.dkr.ecr.<region>.amazonaws.com/<name>`.
        uri: Attr<RepositoryUri>,
    },
}

impl EcrRepo {
    /// Adds a repository below `scope` (inside a stack).
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. Every problem of `props` at once — and a
    /// bad or duplicate `id`, or a scope outside a stack — is recorded at the repository's path
    /// and reported by synth with every other construct's problems; the repository is then
    /// *rejected*: it adds nothing, its ARN and URI are values synth never renders, and a
    /// workload whose image comes from it checks only its own props.
    pub fn new(scope: &impl Construct, id: &str, props: EcrRepoProps) -> Result<EcrRepo> {
        let mut problems = Problems::for_child(scope, id);
        problems.place("an EcrRepo")?;
        let name = props
            .repository_name
            .clone()
            .unwrap_or_else(|| format!("{}/{}", scope.node().app_name().to_ascii_lowercase(), kebab_case(id)));
        if let Some(problem) = repository_name_problem(&name) {
            problems.push(
                format!("invalid repository name '{name}': {problem}"),
                "use 2 to 256 lower-case letters, digits and '.', '_', '-' between them, with '/' separating path parts, such as team/flask-app",
            );
        }
        check_lifecycle(&mut problems, &props.lifecycle_rules);
        let node = problems.add_node();
        let immutable_tags = props.tag_mutability == TagMutability::Immutable;
        let rejected = |node: Node| EcrRepo {
            backing: Backing::Owned(Resource::rejected(&node)),
            node,
            name: name.clone(),
            immutable_tags,
            grants: RefCell::new(Vec::new()),
        };
        if node.is_rejected() {
            return Ok(rejected(node));
        }
        built_or_rejected(&node, build(node.clone(), name.clone(), &props), || rejected(node.clone()))
    }

    /// The repository's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The repository's ARN.
    pub fn arn(&self) -> Attr<Arn> {
        match &self.backing {
            Backing::Owned(resource) => resource.arn(),
            Backing::Referenced { arn, .. } => arn.clone(),
        }
    }

    /// `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, known once the stack is deployed (a
    /// referenced repository's is known at synth).
    pub fn repository_uri(&self) -> Attr<RepositoryUri> {
        match &self.backing {
            Backing::Owned(resource) => resource.repository_uri(),
            Backing::Referenced { uri, .. } => uri.clone(),
        }
    }

    /// The image tagged `tag` (with immutable tags, one image forever).
    pub fn image_tag(&self, tag: &str) -> ContainerImage {
        self.image(ImageReference::Tag(tag.to_string()))
    }

    /// An image of this repository that knows whether the repository's tags can move.
    fn image(&self, reference: ImageReference) -> ContainerImage {
        let image = ContainerImage::from_repository(self.repository_uri(), reference);
        if self.immutable_tags { image.with_immutable_tags() } else { image }
    }

    /// The image with `digest` (`sha256:` and 64 hex digits).
    pub fn image_digest(&self, digest: &str) -> ContainerImage {
        self.image(ImageReference::Digest(digest.to_string()))
    }

    /// The image whose tag the deploying process finds in the environment variable `variable`
    /// (CI sets it to the tag it just pushed).
    pub fn image_tag_from_env(&self, variable: &str) -> ContainerImage {
        self.image(ImageReference::TagFromEnv(variable.to_string()))
    }

    /// The image whose digest the deploying process finds in the environment variable
    /// `variable`.
    pub fn image_digest_from_env(&self, variable: &str) -> ContainerImage {
        self.image(ImageReference::DigestFromEnv(variable.to_string()))
    }

    /// Lets `principal_arn` (an IAM role, such as a node group's) pull images, through the
    /// repository policy. Within one account the node role's own policy already allows pulls;
    /// the grant matters across accounts and documents who pulls.
    pub fn grant_pull(&self, principal_arn: impl Into<Val<String>>) {
        self.grant("AllowPull", principal_arn.into(), &PULL_ACTIONS);
    }

    /// Lets `principal_arn` (a CI role) push images, through the repository policy.
    pub fn grant_push(&self, principal_arn: impl Into<Val<String>>) {
        self.grant("AllowPush", principal_arn.into(), &PUSH_ACTIONS);
    }

    fn grant(&self, sid: &str, principal: Val<String>, actions: &[&str]) {
        let Backing::Owned(resource) = &self.backing else {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                format!(
                    "the repository policy of {}, a referenced repository, cannot be changed by the program",
                    self.name
                ),
                "grant in the existing repository's policy yourself (aws ecr set-repository-policy), or in the \
                 principal's own IAM policy when it is in the repository's account",
            ));
            return;
        };
        if let Some(arn) = principal.value().as_str()
            && !is_principal_arn(arn)
        {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                format!("'{arn}' is not an IAM principal ARN that a repository policy can name"),
                "grant an IAM role, user or account root ARN, such as arn:aws:iam::123456789012:role/ci",
            ));
            return;
        }
        let mut grants = self.grants.borrow_mut();
        let n = grants.iter().filter(|s| s.sid.as_deref().is_some_and(|s| s.starts_with(sid))).count();
        grants.push(Statement {
            sid: Some(format!("{sid}{}", n + 1)),
            effect: Effect::Allow,
            principal: Some(Principal::Aws(principal.into_value())),
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources: Vec::new(),
            conditions: Vec::new(),
            wildcard_reason: None,
        });
        let policy = PolicyDocument::new(grants.clone());
        // Statements with a principal and listed actions never trip the wildcard checks.
        let _ = resource.set_property("RepositoryPolicyText", policy.to_value());
    }
}

/// Adds the checked repository (and its key) to `node`.
fn build(node: Node, name: String, props: &EcrRepoProps) -> Result<EcrRepo> {
    let mut encryption = ecr::repository::EncryptionConfiguration::new("KMS");
    if props.encryption == EcrEncryption::CustomerManagedKms {
        let key = encryption_key(&node, "Key", &format!("Encrypts the images of ECR repository {name}"), Vec::new())?;
        encryption = encryption.with_kms_key(key.arn());
    }
    let mut repo = ecr::Repository::new()
        .with_repository_name(name.as_str())
        .with_image_tag_mutability(match props.tag_mutability {
            TagMutability::Immutable => "IMMUTABLE",
            TagMutability::Mutable => "MUTABLE",
        })
        .with_image_scanning_configuration(
            ecr::repository::ImageScanningConfiguration::new().with_scan_on_push(props.scan_on_push),
        )
        .with_encryption_configuration(encryption)
        .with_tags([Tag::new("Name", format!("{}/{}", node.app_name(), node.path()))]);
    if !props.lifecycle_rules.is_empty() {
        repo = repo.with_lifecycle_policy(
            ecr::repository::LifecyclePolicy::new()
                .with_lifecycle_policy_text(lifecycle_policy(&props.lifecycle_rules)),
        );
    }
    let resource = Resource::new(&node, "Resource", repo)?;
    let immutable_tags = props.tag_mutability == TagMutability::Immutable;
    Ok(EcrRepo { node, name, backing: Backing::Owned(resource), immutable_tags, grants: RefCell::new(Vec::new()) })
}

impl Construct for EcrRepo {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// ECR's rule: `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`, 2 to 256
/// characters. Returns what is wrong, if anything.
pub(crate) fn repository_name_problem(name: &str) -> Option<String> {
    if name.len() < 2 || name.len() > 256 {
        return Some(format!("it is {} characters long", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(*c))) {
        return Some(format!("'{c}' is not allowed"));
    }
    for part in name.split('/') {
        if part.is_empty() {
            return Some("a path part is empty".into());
        }
        let mut prev_separator = true;
        for c in part.chars() {
            let separator = "._-".contains(c);
            if separator && prev_separator {
                return Some(format!("'{part}' has a separator at its start or next to another"));
            }
            prev_separator = separator;
        }
        if prev_separator {
            return Some(format!("'{part}' ends with a separator"));
        }
    }
    None
}

/// An account root, IAM role or IAM user ARN: what a repository policy may name.
fn is_principal_arn(arn: &str) -> bool {
    crate::iam::arn::iam_resource(arn).is_some_and(|r| r == "root" || r.starts_with("role/") || r.starts_with("user/"))
}

fn check_lifecycle(problems: &mut Problems, rules: &[LifecycleRule]) {
    let mut catch_all_at = None;
    for (i, rule) in rules.iter().enumerate() {
        match rule {
            LifecycleRule::ExpireUntaggedAfterDays(0) => problems.push(
                "lifecycle rule ExpireUntaggedAfterDays(0) would expire images as they are pushed",
                "expire untagged images after at least 1 day (7 is a good start)",
            ),
            LifecycleRule::KeepLastTagged(0) | LifecycleRule::KeepLastWithTagPrefix { count: 0, .. } => problems.push(
                "a lifecycle rule keeps 0 images, so it would expire the image being deployed",
                "keep at least a few images (10 or more) so rollbacks have something to roll back to",
            ),
            LifecycleRule::KeepLastWithTagPrefix { prefix, .. } => {
                if prefix.is_empty()
                    || prefix.len() > 128
                    || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                {
                    problems.push(
                        format!("lifecycle tag prefix '{prefix}' is not a valid tag prefix"),
                        "use letters, digits, '.', '_' and '-'",
                    );
                }
                if let Some(at) = catch_all_at {
                    problems.push(
                        format!("lifecycle rule {} (prefix '{prefix}') comes after KeepLastTagged (rule {at}), which already decides every tagged image", i + 1),
                        "list prefix rules before KeepLastTagged",
                    );
                }
            }
            _ => {}
        }
        if matches!(rule, LifecycleRule::KeepLastTagged(_)) {
            if catch_all_at.is_some() {
                problems.push("KeepLastTagged is listed twice", "keep one KeepLastTagged rule");
            }
            catch_all_at = Some(i + 1);
        }
        if matches!(rule, LifecycleRule::ExpireUntaggedAfterDays(_))
            && rules[..i].iter().any(|r| matches!(r, LifecycleRule::ExpireUntaggedAfterDays(_)))
        {
            problems.push("ExpireUntaggedAfterDays is listed twice", "keep one ExpireUntaggedAfterDays rule");
        }
    }
}

/// The lifecycle policy JSON text, rules prioritized in the order given.
fn lifecycle_policy(rules: &[LifecycleRule]) -> String {
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let (description, selection) = match rule {
                LifecycleRule::ExpireUntaggedAfterDays(days) => (
                    format!("Expire untagged images {days} days after push"),
                    serde_json::json!({ "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days }),
                ),
                LifecycleRule::KeepLastWithTagPrefix { prefix, count } => (
                    format!("Keep the last {count} images tagged {prefix}*"),
                    serde_json::json!({ "tagStatus": "tagged", "tagPrefixList": [prefix], "countType": "imageCountMoreThan", "countNumber": count }),
                ),
                LifecycleRule::KeepLastTagged(count) => (
                    format!("Keep the last {count} tagged images"),
                    serde_json::json!({ "tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan", "countNumber": count }),
                ),
            };
            serde_json::json!({
                "rulePriority": i + 1,
                "description": description,
                "selection": selection,
                "action": { "type": "expire" },
            })
        })
        .collect();
    serde_json::json!({ "rules": rules }).to_string()
}
