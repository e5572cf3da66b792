//! The HorizontalPodAutoscaler of a [`Workload`](super::Workload): any non-empty combination of
//! CPU, memory, `Pods`, `Object` and `External` metrics.

use std::collections::BTreeMap;

use crate::internal::setters::setters;

/// One metric an HPA scales on (`autoscaling/v2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HpaMetric {
    /// Average CPU use, in percent of the request.
    Cpu {
        /// The target percentage.
        utilization: u32,
    },
    /// Average memory use, in percent of the request.
    Memory {
        /// The target percentage.
        utilization: u32,
    },
    /// A per-pod metric of a custom-metrics adapter, averaged over the pods.
    Pods {
        /// The metric's name.
        metric: String,
        /// The target average per pod, as a Kubernetes quantity (`"20"`, `"500m"`).
        average_value: String,
    },
    /// A metric describing another object of the namespace (an Ingress's requests per second).
    Object {
        /// The object's API version, such as `networking.k8s.io/v1`.
        api_version: String,
        /// The object's kind, such as `Ingress`.
        kind: String,
        /// The object's name.
        name: String,
        /// The metric's name.
        metric: String,
        /// The target value, as a Kubernetes quantity.
        value: String,
    },
    /// A metric from outside the cluster (a queue's length), of an external-metrics adapter.
    External {
        /// The metric's name.
        metric: String,
        /// Labels selecting the series. Default: none.
        selector: BTreeMap<String, String>,
        /// The target average per pod, as a Kubernetes quantity.
        average_value: String,
    },
}

impl HpaMetric {
    /// Average CPU use of `percent` of the request.
    pub fn cpu(percent: u32) -> Self {
        HpaMetric::Cpu { utilization: percent }
    }

    /// Average memory use of `percent` of the request.
    pub fn memory(percent: u32) -> Self {
        HpaMetric::Memory { utilization: percent }
    }

    /// The per-pod metric `metric`, aiming at `average_value` per pod.
    pub fn pods(metric: impl Into<String>, average_value: impl Into<String>) -> Self {
        HpaMetric::Pods { metric: metric.into(), average_value: average_value.into() }
    }

    /// The external metric `metric` (no selector), aiming at `average_value` per pod.
    pub fn external(metric: impl Into<String>, average_value: impl Into<String>) -> Self {
        HpaMetric::External { metric: metric.into(), selector: BTreeMap::new(), average_value: average_value.into() }
    }
}

/// A HorizontalPodAutoscaler: between the workload's `replicas` and `max_replicas` pods,
/// scaling on `metrics` (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hpa {
    /// The most pods; required.
    pub max_replicas: u32,
    /// The metrics scaled on (the HPA takes the largest proposal); required, at least one.
    pub metrics: Vec<HpaMetric>,
    /// Seconds the load must stay low before pods are removed. Default: 300.
    pub scale_down_stabilization_seconds: u32,
    /// Seconds the load must stay high before pods are added. Default: none (Kubernetes'
    /// default, 0: at once).
    pub scale_up_stabilization_seconds: Option<u32>,
    /// How many pods one scale-up step may add. Default: none (Kubernetes' default: double,
    /// or 4 pods, whichever is more, every 15 seconds).
    pub scale_up_rate: Option<ScalingRate>,
    /// How many pods one scale-down step may remove. Default: none (Kubernetes' default: every
    /// surplus pod, every 15 seconds).
    pub scale_down_rate: Option<ScalingRate>,
}

impl Hpa {
    /// Up to `max_replicas` pods, scaling on `metrics`.
    pub fn new(max_replicas: u32, metrics: impl IntoIterator<Item = HpaMetric>) -> Self {
        Hpa {
            max_replicas,
            metrics: metrics.into_iter().collect(),
            scale_down_stabilization_seconds: 300,
            scale_up_stabilization_seconds: None,
            scale_up_rate: None,
            scale_down_rate: None,
        }
    }

    /// Adds a metric to [`metrics`](Self::metrics).
    #[must_use]
    pub fn metric(mut self, metric: HpaMetric) -> Self {
        self.metrics.push(metric);
        self
    }
}

setters! { Hpa {
    value max_replicas: u32,
    list metrics: HpaMetric,
    value scale_down_stabilization_seconds: u32,
    some scale_up_stabilization_seconds: u32,
    some scale_up_rate: ScalingRate,
    some scale_down_rate: ScalingRate,
} }

/// How fast an HPA may change the number of pods in one direction: the policies' limits, and
/// which of them wins when they disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalingRate {
    /// Which policy's change is taken. Default: [`SelectPolicy::Max`] (the largest change).
    pub select: SelectPolicy,
    /// The limits; required, at least one.
    pub policies: Vec<ScalingPolicy>,
}

impl ScalingRate {
    /// The largest change any of `policies` allows.
    pub fn new(policies: impl IntoIterator<Item = ScalingPolicy>) -> Self {
        ScalingRate { select: SelectPolicy::Max, policies: policies.into_iter().collect() }
    }
}

setters! { ScalingRate {
    value select: SelectPolicy,
    list policies: ScalingPolicy,
} }

/// Which of several scaling policies an HPA follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelectPolicy {
    /// The policy allowing the largest change (the default).
    #[default]
    Max,
    /// The policy allowing the smallest change.
    Min,
}

impl SelectPolicy {
    /// The value of `selectPolicy`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SelectPolicy::Max => "Max",
            SelectPolicy::Min => "Min",
        }
    }
}

/// One limit of a [`ScalingRate`]: at most so many pods, or so many percent of the current
/// pods, per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalingPolicy {
    /// At most `percent` % of the current pods per `period_seconds`.
    Percent {
        /// The percentage (1 or more).
        percent: u32,
        /// The period, 1 to 1800 seconds.
        period_seconds: u32,
    },
    /// At most `pods` pods per `period_seconds`.
    Pods {
        /// The number of pods (1 or more).
        pods: u32,
        /// The period, 1 to 1800 seconds.
        period_seconds: u32,
    },
}

impl ScalingPolicy {
    /// At most `percent` % of the current pods per `period_seconds`.
    pub fn percent(percent: u32, period_seconds: u32) -> Self {
        ScalingPolicy::Percent { percent, period_seconds }
    }

    /// At most `pods` pods per `period_seconds`.
    pub fn pods(pods: u32, period_seconds: u32) -> Self {
        ScalingPolicy::Pods { pods, period_seconds }
    }
}

/// A Prometheus-style metric name: letters, digits, '_' and ':', not starting with a digit.
pub(crate) fn valid_metric_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// A positive Kubernetes quantity: a decimal number with an optional SI or binary suffix.
pub(crate) fn valid_quantity(q: &str) -> bool {
    let suffixes = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E", ""];
    suffixes.iter().any(|s| {
        q.strip_suffix(s).is_some_and(|n| {
            !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit() || c == '.')
                && n.chars().filter(|c| *c == '.').count() <= 1
                && n.chars().any(|c| c.is_ascii_digit() && c != '0')
        })
    })
}
