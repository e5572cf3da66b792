//! Marks what a change adds, changes or removes: the platform after the change compared with
//! the platform deployed now, element by element (by key). Removed elements stay in the
//! picture, where they were, marked.

use std::collections::BTreeSet;

use super::model::{
    ClusterView, Element, EnvironmentView, Mark, Platform, RequestPath, VpcView, WorkloadView, ZoneView,
};

/// The platform `new` with every element marked against `old`: in `new` only → added; in
/// `old` only → removed (kept, in its place); in both, with one of its sources (resource paths,
/// object keys) in `changed` → changed.
#[must_use]
pub fn compare(old: &Platform, new: &Platform, changed: &BTreeSet<String>) -> Platform {
    let mut out = new.clone();
    merge_list(&mut out.environments, &old.environments, changed);
    out
}

/// Something with an element and, maybe, children.
trait Part: Clone {
    fn element(&self) -> &Element;
    fn element_mut(&mut self) -> &mut Element;
    /// Merges the children with those of the same part before the change.
    fn merge(&mut self, _old: &Self, _changed: &BTreeSet<String>) {}
    /// Marks the part and everything in it.
    fn mark_all(&mut self, mark: Mark) {
        self.element_mut().mark = mark;
    }
}

fn merge_list<T: Part>(new: &mut Vec<T>, old: &[T], changed: &BTreeSet<String>) {
    for n in new.iter_mut() {
        match old.iter().find(|o| o.element().key == n.element().key) {
            Some(o) => {
                if n.element().sources.iter().chain(&o.element().sources).any(|s| changed.contains(s)) {
                    n.element_mut().mark = Mark::Changed;
                }
                n.merge(o, changed);
            }
            None => n.mark_all(Mark::Added),
        }
    }
    // Removed parts go back where they were: after the part that preceded them before.
    for (i, o) in old.iter().enumerate() {
        if new.iter().any(|n| n.element().key == o.element().key) {
            continue;
        }
        let mut removed = o.clone();
        removed.mark_all(Mark::Removed);
        let at = i
            .checked_sub(1)
            .and_then(|p| new.iter().position(|n| n.element().key == old[p].element().key))
            .map_or(0, |p| p + 1);
        new.insert(at.min(new.len()), removed);
    }
}

impl Part for Element {
    fn element(&self) -> &Element {
        self
    }
    fn element_mut(&mut self) -> &mut Element {
        self
    }
}

macro_rules! part {
    ($t:ty, |$n:ident, $o:ident, $c:ident| $merge:block, |$s:ident, $m:ident| $all:block) => {
        impl Part for $t {
            fn element(&self) -> &Element {
                &self.element
            }
            fn element_mut(&mut self) -> &mut Element {
                &mut self.element
            }
            fn merge(&mut self, $o: &Self, $c: &BTreeSet<String>) {
                let $n = self;
                $merge
            }
            fn mark_all(&mut self, $m: Mark) {
                let $s = self;
                $s.element.mark = $m;
                $all
            }
        }
    };
}

fn mark_each(list: &mut [Element], mark: Mark) {
    for e in list {
        e.mark = mark;
    }
}

part!(
    EnvironmentView,
    |n, o, c| {
        merge_list(&mut n.stacks, &o.stacks, c);
        merge_list(&mut n.vpcs, &o.vpcs, c);
        merge_list(&mut n.clusters, &o.clusters, c);
        merge_list(&mut n.databases, &o.databases, c);
        merge_list(&mut n.monitoring, &o.monitoring, c);
        merge_list(&mut n.requests, &o.requests, c);
    },
    |s, m| {
        mark_each(&mut s.stacks, m);
        s.vpcs.iter_mut().for_each(|v| v.mark_all(m));
        s.clusters.iter_mut().for_each(|v| v.mark_all(m));
        mark_each(&mut s.databases, m);
        mark_each(&mut s.monitoring, m);
        s.requests.iter_mut().for_each(|v| v.mark_all(m));
    }
);
part!(
    VpcView,
    |n, o, c| {
        merge_list(&mut n.zones, &o.zones, c);
    },
    |s, m| {
        s.zones.iter_mut().for_each(|z| z.mark_all(m));
    }
);
part!(
    ZoneView,
    |n, o, c| {
        merge_list(&mut n.members, &o.members, c);
    },
    |s, m| {
        mark_each(&mut s.members, m);
    }
);
part!(
    ClusterView,
    |n, o, c| {
        merge_list(&mut n.node_groups, &o.node_groups, c);
        merge_list(&mut n.workloads, &o.workloads, c);
    },
    |s, m| {
        mark_each(&mut s.node_groups, m);
        s.workloads.iter_mut().for_each(|w| w.mark_all(m));
    }
);
part!(
    WorkloadView,
    |n, o, c| {
        merge_list(&mut n.members, &o.members, c);
    },
    |s, m| {
        mark_each(&mut s.members, m);
    }
);

/// A request path is keyed by its load balancer; its three elements are marked one by one.
impl Part for RequestPath {
    fn element(&self) -> &Element {
        &self.load_balancer
    }
    fn element_mut(&mut self) -> &mut Element {
        &mut self.load_balancer
    }
    fn merge(&mut self, old: &Self, changed: &BTreeSet<String>) {
        for (n, o) in [(&mut self.service, &old.service), (&mut self.pods, &old.pods)] {
            if n.key != o.key || n.sources.iter().any(|s| changed.contains(s)) {
                n.mark = Mark::Changed;
            }
        }
    }
    fn mark_all(&mut self, mark: Mark) {
        self.load_balancer.mark = mark;
        self.service.mark = mark;
        self.pods.mark = mark;
    }
}
