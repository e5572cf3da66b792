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

use stackwright_core::{Attr, Diagnostic, KubeCluster, Result};

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
    /// A repository of this program, late-bound from its URI attribute.
    Resource(Attr<RepositoryUri>),
    /// A repository known by name, such as `docker.io/prom/prometheus`.
    Public(String),
}

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
    /// An image of a repository created by this program (its URI attribute).
    pub fn from_repository(uri: Attr<RepositoryUri>, reference: ImageReference) -> Self {
        ContainerImage { repository: Repository::Resource(uri), reference }
    }

    /// An image of a repository known by name (`registry/path`, without tag or digest).
    pub fn public(repository: &str, reference: ImageReference) -> Self {
        ContainerImage { repository: Repository::Public(repository.to_string()), reference }
    }

    /// A public image with a tag and its digest (`repo:tag@sha256:…`): readable and pinned.
    pub fn public_pinned(repository: &str, tag: &str, digest: &str) -> Self {
        ContainerImage::public(&format!("{repository}:{tag}"), ImageReference::Digest(digest.to_string()))
    }

    /// Which image of the repository.
    pub fn reference(&self) -> &ImageReference {
        &self.reference
    }

    /// True when the image is named by digest (always the same bytes).
    pub fn is_pinned_by_digest(&self) -> bool {
        matches!(self.reference, ImageReference::Digest(_) | ImageReference::DigestFromEnv(_))
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
            Repository::Resource(uri) => cluster.late_bound(uri)?,
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
}
