//! [`CustomMetricsAdapter`]: the part of [`Monitoring`](crate::monitoring::Monitoring) that
//! serves Prometheus' series to the autoscalers through the custom metrics API.

use crate::internal::setters::setters;
use crate::workload::image::{ContainerImage, ImageReference};
use crate::workload::resources::{ComputeResources, Cpu, Memory};

/// prometheus-adapter, serving `custom.metrics.k8s.io` from Prometheus. Default:
/// `On(CustomMetricsAdapterProps::default())`.
///
/// On, it is installed when Prometheus is on and an autoscaler of the cluster added before
/// monitoring scales on a custom metric (`Pods`, or `Object` of a Deployment); with no such
/// autoscaler there is nothing to serve, and nothing is installed. Off — or Prometheus off —
/// an autoscaler scaling on a custom metric is an error at the construct that added it.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per Monitoring, built once; `On(props)` reads like the other parts (no Box to write)"
)]
pub enum CustomMetricsAdapter {
    /// No adapter: nothing serves the custom metrics API (an autoscaler scaling on a custom
    /// metric is then an error).
    Off,
    /// prometheus-adapter, configured.
    On(CustomMetricsAdapterProps),
}

impl Default for CustomMetricsAdapter {
    fn default() -> Self {
        CustomMetricsAdapter::On(CustomMetricsAdapterProps::default())
    }
}

impl CustomMetricsAdapter {
    /// The configuration when on.
    pub fn props(&self) -> Option<&CustomMetricsAdapterProps> {
        match self {
            CustomMetricsAdapter::On(p) => Some(p),
            CustomMetricsAdapter::Off => None,
        }
    }
}

/// What prometheus-adapter is configured with.
///
/// The images are upstream release tags, pinned by version: upstream's release manifests
/// (`deploy/manifests/deployment.yaml` of kubernetes-sigs/prometheus-adapter `v0.12.0`, recorded
/// in `crates/stackwright-constructs/upstream/`) name the image by tag and publish no digest, so
/// none is invented here. Like the cluster controllers, the adapter runs in `kube-system` (it
/// extends the Kubernetes API, as metrics-server does), under the same justification for a tag
/// (see `checkov-skip.txt`); give `repository@sha256:…` references you verified to pin digests.
///
/// ```
/// use stackwright_constructs::{CustomMetricsAdapterProps, ContainerImage, ImageReference};
/// let p = CustomMetricsAdapterProps::default();
/// assert_eq!(p.image, ContainerImage::public("registry.k8s.io/prometheus-adapter/prometheus-adapter", ImageReference::Tag("v0.12.0".into())));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CustomMetricsAdapterProps {
    /// The adapter's image. Default: `registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0`.
    pub image: ContainerImage,
    /// The image of the Jobs that make the serving certificate and put its CA into the
    /// `APIService`. Default: `registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9` (the
    /// load balancer controller's).
    pub certgen_image: ContainerImage,
    /// Requests and limits. Default: 100m CPU and 192 MiB requested, 500m CPU and 384 MiB
    /// limited (upstream requests 102m and 180 MiB).
    pub resources: ComputeResources,
}

impl Default for CustomMetricsAdapterProps {
    fn default() -> Self {
        CustomMetricsAdapterProps {
            image: ContainerImage::public(
                "registry.k8s.io/prometheus-adapter/prometheus-adapter",
                ImageReference::Tag("v0.12.0".into()),
            ),
            certgen_image: ContainerImage::public(
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen",
                ImageReference::Tag("v1.6.9".into()),
            ),
            resources: ComputeResources::new(Cpu::millicores(100), Memory::mebibytes(192))
                .limits(Cpu::millicores(500), Memory::mebibytes(384)),
        }
    }
}

setters! { CustomMetricsAdapterProps {
    value image: ContainerImage,
    value certgen_image: ContainerImage,
    value resources: ComputeResources,
} }
