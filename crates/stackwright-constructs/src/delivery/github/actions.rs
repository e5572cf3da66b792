//! The third-party actions the synthesized workflows use, pinned by full commit SHA.
//!
//! A tag can be moved to other code after a review; a commit SHA cannot. Each entry records
//! the release tag the SHA stands for (written as a comment after `uses:`); `docs/ci-cd.md`
//! records where each SHA was checked. To bump one: find the release tag's commit in the
//! action's repository, change the entry and the docs table together, and re-accept the
//! workflow snapshots.

/// An action at a fixed commit.
#[derive(Debug, PartialEq, Eq)]
pub struct PinnedAction {
    /// `owner/repository`.
    pub repository: &'static str,
    /// The full 40-character commit SHA.
    pub sha: &'static str,
    /// The release tag that SHA stands for.
    pub tag: &'static str,
}

impl PinnedAction {
    /// `owner/repository@sha`, as written after `uses:`.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.repository, self.sha)
    }
}

/// `actions/checkout`: checks the repository out.
pub const CHECKOUT: PinnedAction =
    PinnedAction { repository: "actions/checkout", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", tag: "v7.0.1" };

/// `actions/cache`: caches cargo's registry and target directory between runs.
pub const CACHE: PinnedAction =
    PinnedAction { repository: "actions/cache", sha: "27d5ce7f107fe9357f9df03efb73ab90386fccae", tag: "v5.0.5" };

/// `actions/github-script`: writes the one diff comment of a pull request.
pub const GITHUB_SCRIPT: PinnedAction = PinnedAction {
    repository: "actions/github-script",
    sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd",
    tag: "v8.0.0",
};

/// `aws-actions/configure-aws-credentials`: trades the GitHub OIDC token for role credentials.
pub const CONFIGURE_AWS_CREDENTIALS: PinnedAction = PinnedAction {
    repository: "aws-actions/configure-aws-credentials",
    sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
    tag: "v6.2.3",
};

/// `aws-actions/amazon-ecr-login`: logs Docker in to the ECR registry.
pub const AMAZON_ECR_LOGIN: PinnedAction = PinnedAction {
    repository: "aws-actions/amazon-ecr-login",
    sha: "03f1aad4c6c7ffd436567f42f9384779290529bd",
    tag: "v2.1.7",
};

/// `docker/setup-buildx-action`: sets up Buildx for the image build.
pub const SETUP_BUILDX: PinnedAction = PinnedAction {
    repository: "docker/setup-buildx-action",
    sha: "37fe631027851001ddb9b187196cc803df7f5f0e",
    tag: "v4.3.0",
};

/// `docker/build-push-action`: builds the image and pushes it to ECR.
pub const BUILD_PUSH: PinnedAction = PinnedAction {
    repository: "docker/build-push-action",
    sha: "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a",
    tag: "v7.3.0",
};

/// `actions/upload-artifact`: hands the synthesized assembly (and the program that made it) from
/// the synth job of a staged pipeline to its stages.
pub const UPLOAD_ARTIFACT: PinnedAction = PinnedAction {
    repository: "actions/upload-artifact",
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    tag: "v7.0.0",
};

/// `actions/download-artifact`: fetches that assembly in each stage's job.
pub const DOWNLOAD_ARTIFACT: PinnedAction = PinnedAction {
    repository: "actions/download-artifact",
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    tag: "v8.0.1",
};

/// Every pinned action.
pub const ALL: &[&PinnedAction] = &[
    &CHECKOUT,
    &CACHE,
    &GITHUB_SCRIPT,
    &CONFIGURE_AWS_CREDENTIALS,
    &AMAZON_ECR_LOGIN,
    &SETUP_BUILDX,
    &BUILD_PUSH,
    &UPLOAD_ARTIFACT,
    &DOWNLOAD_ARTIFACT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pin_is_a_full_commit_sha_with_a_release_tag() {
        for a in ALL {
            assert_eq!(a.sha.len(), 40, "{}", a.repository);
            assert!(a.sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{}", a.repository);
            assert!(a.tag.starts_with('v') && a.tag.matches('.').count() == 2, "{}: {}", a.repository, a.tag);
        }
    }
}
