//! Load balancer names of one cluster's workloads: each must be its own. A preset's default
//! name (`FlaskApp`'s `<cluster>-<app>`) is cut to the 32 characters an ALB name may have, so
//! two apps whose names start alike (`flask-app`, `flask-api` on a long cluster name) would get
//! the same one — and the AWS Load Balancer Controller would fight over one ALB. A second
//! workload with a name already taken is an error naming both, never a shared load balancer.

use std::cell::RefCell;
use std::collections::HashMap;

use stackwright_core::{Diagnostic, Node, NodeRef};

thread_local! {
    /// (cluster node, load balancer name) → path of the app that has it. A construct tree is
    /// single-threaded (`Rc`) and its `NodeRef`s carry the tree's id, so one map per thread
    /// keeps the trees apart without a slot in the cluster (apps only see `WorkloadCluster`).
    static TAKEN: RefCell<HashMap<(NodeRef, String), String>> = RefCell::new(HashMap::new());
}

/// `<cluster>-<app>`, cut to the 32 characters an ALB name may have.
pub(crate) fn default_name(cluster: &str, app: &str) -> String {
    let mut name: String = format!("{cluster}-{app}").chars().take(32).collect();
    while name.ends_with('-') {
        name.pop();
    }
    name
}

/// A valid ALB name: 1 to 32 letters, digits and '-', not starting or ending with '-' and not
/// starting with `internal-`.
pub(crate) fn valid_lb_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.starts_with("internal-")
}

/// Records that the workload at `app` uses `name` on `cluster`; when another workload of the
/// cluster already does, records the error on `app` for synth. `explicit`: the name was given
/// (not a preset's default).
pub(crate) fn claim(cluster: &Node, app: &Node, name: &str, explicit: bool) {
    let key = (cluster.node_ref(), name.to_string());
    let first = TAKEN.with_borrow_mut(|taken| match taken.get(&key) {
        Some(first) => Some(first.clone()),
        None => {
            taken.insert(key, app.path());
            None
        }
    });
    if let Some(first) = first {
        let why = if explicit { "" } else { " (the default, <cluster>-<app> cut to 32 characters)" };
        app.defer_error(Diagnostic::new(
            app.path(),
            format!("load balancer name '{name}'{why} is already the name of '{first}''s load balancer"),
            "set ingress.load_balancer_name (1 to 32 letters, digits and '-') to a name of its own",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_cut_to_32_characters_without_a_trailing_dash() {
        assert_eq!(default_name("flask-platform-prod-cluster", "flask-app"), "flask-platform-prod-cluster-flas");
        assert_eq!(default_name("main", "web"), "main-web");
        assert_eq!(default_name("a-cluster-name-of-exactly-thirty", "x"), "a-cluster-name-of-exactly-thirty");
    }
}
