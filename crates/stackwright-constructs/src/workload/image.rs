//! A typed reference to a container image: a repository and a tag or digest, either known at
//! synth or supplied at deploy time.
//!
//! An image in an ECR repository of the same program is built from the repository's URI
//! attribute ([`RepositoryUri`]); in a manifest it becomes a late-bound placeholder that the
//! runtime fills from the registry stack's outputs (see `stackwright_core::kube`):
//!
//! ```text
//! image: ((stackwright:ref:prod/registry/FlaskApp/Resource.RepositoryUri)):((stackwright:env:IMAGE_TAG))
//! ```
//!
//! `EcrRepo` produces these (`repo.image_tag("v1")`, `repo.image_digest(..)`,
//! `repo.image_tag_from_env("IMAGE_TAG")`); [`ContainerImage::public`] names an image of a
//! public registry by digest (what the monitoring workloads use).

use stackwright_core::{Attr, Diagnostic, KubeCluster, Result, Value};

/// The URI of a container image repository: the kind of the generated repository's
/// `RepositoryUri` attribute.
pub use stackwright_cfn::kinds::RepositoryUri;

/// Which image of a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageReference {
    /// A tag, such as `v1.4.2`. With immutable tags (EcrRepo's default) it names one image.
    Tag(String),
    /// A digest, `sha256:` and 64 hex digits: always exactly one image.
    Digest(String),
    /// A tag read from an environment variable of the deploying process (CI sets it).
    TagFromEnv(String),
    /// A digest read from an environment variable of the deploying process.
    DigestFromEnv(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Repository {
    /// A repository of this program, late-bound from its URI attribute; `immutable_tags` when
    /// its tags cannot be moved (an `EcrRepo` with immutable tags says so).
    Resource { uri: Attr<RepositoryUri>, immutable_tags: bool },
    /// A repository known by name, such as `docker.io/prom/prometheus`.
    Public(String),
}

/// The annotation key with which checkov skips one check for one Kubernetes object
/// (`checkov.io/skip<N>: <CHECK_ID>=<reason>`, read by checkov's Kubernetes runner).
pub(crate) const CHECKOV_SKIP_ANNOTATION: &str = "checkov.io/skip1";

/// Why an image named by an immutable tag needs no digest, as the value of
/// [`CHECKOV_SKIP_ANNOTATION`] for checkov's "image should use digest" check (CKV_K8S_43).
/// checkov splits the value at `=`: the reason must not contain one.
const IMMUTABLE_TAG_REASON: &str = "CKV_K8S_43=the image is named by a tag of an ECR repository with immutable tags: \
     the tag names one image and cannot be moved; pin a digest with image_digest or image_digest_from_env instead";

/// A container image: repository plus [`ImageReference`].
///
/// ```
/// use stackwright_constructs::{ContainerImage, ImageReference};
/// let image = ContainerImage::public(
///     "docker.io/prom/prometheus",
///     ImageReference::Digest("sha256:7a34573f0b9c952286b33d537f233cd5b708e12263733aa646e50c33f598f16c".into()),
/// );
/// assert!(image.problems("p").is_empty());
/// assert!(image.is_pinned_by_digest());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerImage {
    repository: Repository,
    reference: ImageReference,
}

impl ContainerImage {
    /// An image of a repository created by this program (its URI attribute). Its tags count
    /// as movable: `EcrRepo`'s `image_*` methods, which know the repository's tag mutability,
    /// are the way to an image whose tag cannot move.
    pub fn from_repository(uri: Attr<RepositoryUri>, reference: ImageReference) -> Self {
        ContainerImage { repository: Repository::Resource { uri, immutable_tags: false }, reference }
    }

    /// Marks the repository's tags as immutable: only `EcrRepo`, which sets the repository's
    /// tag mutability, can say so.
    #[must_use]
    pub(crate) fn with_immutable_tags(mut self) -> Self {
        if let Repository::Resource { immutable_tags, .. } = &mut self.repository {
            *immutable_tags = true;
        }
        self
    }

    /// An image of a repository known by name (`registry/path`, without tag or digest).
    pub fn public(repository: &str, reference: ImageReference) -> Self {
        ContainerImage { repository: Repository::Public(repository.to_string()), reference }
    }

    /// A public image with a tag and its digest (`repo:tag@sha256:…`): readable and pinned.
    pub fn public_pinned(repository: &str, tag: &str, digest: &str) -> Self {
        ContainerImage::public(&format!("{repository}:{tag}"), ImageReference::Digest(digest.to_string()))
    }

    /// The repository's URI when it is a repository of this program (an attribute), to tell
    /// whether its construct was rejected.
    pub(crate) fn repository_value(&self) -> Option<&Value> {
        match &self.repository {
            Repository::Resource { uri, .. } => Some(uri.value()),
            Repository::Public(_) => None,
        }
    }

    /// Which image of the repository.
    pub fn reference(&self) -> &ImageReference {
        &self.reference
    }

    /// True when the image is named by digest (always the same bytes).
    pub fn is_pinned_by_digest(&self) -> bool {
        matches!(self.reference, ImageReference::Digest(_) | ImageReference::DigestFromEnv(_))
    }

    /// True when the image is named by a tag (fixed or from the environment) of a repository of
    /// this program whose tags cannot be moved (an `EcrRepo` with immutable tags, its default):
    /// like a digest, the tag then names one image for good.
    pub fn tag_is_immutable(&self) -> bool {
        matches!(self.repository, Repository::Resource { immutable_tags: true, .. })
            && matches!(self.reference, ImageReference::Tag(_) | ImageReference::TagFromEnv(_))
    }

    /// The annotation a workload writes on the object that runs this image to tell checkov
    /// why the image is not pinned by digest (CKV_K8S_43), without naming the app in a skip
    /// file: only for a tag that cannot move ([`tag_is_immutable`](Self::tag_is_immutable)).
    /// A digest passes the check; a movable tag gets no exemption and fails it.
    pub(crate) fn checkov_digest_exemption(&self) -> Option<(&'static str, &'static str)> {
        self.tag_is_immutable().then_some((CHECKOV_SKIP_ANNOTATION, IMMUTABLE_TAG_REASON))
    }

    /// The `imagePullPolicy` that fits: `IfNotPresent` for a digest, `Always` for a tag (so that
    /// a node never runs a stale image under a reused tag).
    pub fn pull_policy(&self) -> &'static str {
        if self.is_pinned_by_digest() { "IfNotPresent" } else { "Always" }
    }

    /// What is wrong with the reference, reported at `path`.
    pub fn problems(&self, path: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Repository::Public(repo) = &self.repository
            && (repo.is_empty() || repo.contains(char::is_whitespace) || repo.ends_with(':') || repo.contains('@'))
        {
            out.push(Diagnostic::new(
                path,
                format!("'{repo}' is not a valid image repository"),
                "write the repository as registry/path, without a digest",
            ));
        }
        match &self.reference {
            ImageReference::Tag(tag) => {
                if !valid_tag(tag) {
                    out.push(Diagnostic::new(
                        path,
                        format!("'{tag}' is not a valid image tag"),
                        "use 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
                    ));
                } else if tag == "latest" {
                    out.push(Diagnostic::new(
                        path,
                        "the image tag 'latest' does not name one image",
                        "use a version tag or a digest, so that every node runs the same bytes",
                    ));
                }
            }
            ImageReference::Digest(digest) => {
                if !valid_digest(digest) {
                    out.push(Diagnostic::new(
                        path,
                        format!("'{digest}' is not a valid image digest"),
                        "write it as sha256: followed by 64 lower-case hex digits",
                    ));
                }
            }
            ImageReference::TagFromEnv(var) | ImageReference::DigestFromEnv(var) => {
                if !valid_env_name(var) {
                    out.push(Diagnostic::new(
                        path,
                        format!("'{var}' is not a valid environment variable name for the image reference"),
                        "use letters, digits and '_', not starting with a digit",
                    ));
                }
            }
        }
        out
    }

    /// The `image` string of a container of `cluster`, with placeholders for what is known
    /// only at deploy time. Check [`problems`](Self::problems) first.
    pub fn render(&self, cluster: &KubeCluster) -> Result<String> {
        let repository = match &self.repository {
            // A referenced repository's URI is known at synth (`EcrRepo::from_name`).
            Repository::Resource { uri, .. } => match uri.value() {
                Value::String(known) => known.clone(),
                _ => cluster.late_bound(uri)?,
            },
            Repository::Public(name) => name.clone(),
        };
        Ok(match &self.reference {
            ImageReference::Tag(tag) => format!("{repository}:{tag}"),
            ImageReference::Digest(digest) => format!("{repository}@{digest}"),
            ImageReference::TagFromEnv(var) => format!("{repository}:{}", cluster.from_environment(var)?),
            ImageReference::DigestFromEnv(var) => format!("{repository}@{}", cluster.from_environment(var)?),
        })
    }
}

fn valid_tag(tag: &str) -> bool {
    let first_ok = tag.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    first_ok && tag.len() <= 128 && tag.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn valid_digest(digest: &str) -> bool {
    digest
        .strip_prefix("sha256:")
        .is_some_and(|hex| hex.len() == 64 && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)))
}

pub(crate) fn valid_env_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests_are_checked() {
        let bad = ContainerImage::public("docker.io/x/y", ImageReference::Tag("-x".into()));
        assert!(bad.problems("p")[0].message.contains("not a valid image tag"));
        let latest = ContainerImage::public("docker.io/x/y", ImageReference::Tag("latest".into()));
        assert!(latest.problems("p")[0].message.contains("'latest'"));
        let digest = ContainerImage::public("docker.io/x/y", ImageReference::Digest("sha256:abc".into()));
        assert!(digest.problems("p")[0].message.contains("not a valid image digest"));
        let env = ContainerImage::public("docker.io/x/y", ImageReference::TagFromEnv("1TAG".into()));
        assert!(env.problems("p")[0].message.contains("environment variable"));
        let ok = ContainerImage::public("docker.io/x/y", ImageReference::Tag("v1.2.3".into()));
        assert!(ok.problems("p").is_empty());
        assert_eq!(ok.pull_policy(), "Always");
    }

    fn uri() -> Attr<RepositoryUri> {
        Attr::from_value_unchecked(stackwright_core::Value::from("123456789012.dkr.ecr.eu-west-1.amazonaws.com/x"))
    }

    #[test]
    fn only_a_tag_of_an_immutable_repository_is_exempt_from_the_digest_check() {
        let tag = ImageReference::Tag("v1".into());
        let from_env = ImageReference::TagFromEnv("IMAGE_TAG".into());
        let digest = ImageReference::Digest(format!("sha256:{}", "0".repeat(64)));
        let immutable = |r: &ImageReference| ContainerImage::from_repository(uri(), r.clone()).with_immutable_tags();
        assert!(immutable(&tag).tag_is_immutable());
        assert!(immutable(&from_env).tag_is_immutable());
        let (key, value) = immutable(&from_env).checkov_digest_exemption().unwrap();
        assert_eq!(key, "checkov.io/skip1");
        assert!(value.starts_with("CKV_K8S_43="), "{value}");
        assert_eq!(value.matches('=').count(), 1, "checkov splits the value at '=': {value}");
        // a digest needs no exemption; a movable or unknown tag gets none
        assert!(immutable(&digest).checkov_digest_exemption().is_none());
        assert!(ContainerImage::from_repository(uri(), tag.clone()).checkov_digest_exemption().is_none());
        assert!(
            ContainerImage::public("docker.io/x/y", tag).with_immutable_tags().checkov_digest_exemption().is_none()
        );
    }
}
