//! Queries on one stack's synthesized template: resources by type and construct path, their
//! properties matched partially, and counts.

use serde_json::Value;

use super::error::{AssertionError, Candidate};
use super::matchers::Match;

/// One stack's template, parsed (from [`Assertions::stack`](super::Assertions::stack)).
#[derive(Debug, Clone)]
pub struct StackTemplate {
    id: String,
    template: Value,
}

/// A resource of a [`StackTemplate`].
#[derive(Debug, Clone, Copy)]
pub struct FoundResource<'t> {
    stack: &'t str,
    logical_id: &'t str,
    json: &'t Value,
}

impl StackTemplate {
    /// Parses the template of stack `id`.
    pub(crate) fn parse(id: &str, file: &str, text: Option<&str>) -> Result<Self, AssertionError> {
        let unreadable = |message: String| AssertionError::Unreadable { file: file.to_string(), message };
        let text = text.ok_or_else(|| {
            unreadable("the manifest names this template but the assembly has no such text file".into())
        })?;
        let template: Value = serde_json::from_str(text).map_err(|e| unreadable(format!("not JSON: {e}")))?;
        Ok(StackTemplate { id: id.to_string(), template })
    }

    /// The stack's id (`<environment>-<stack>`).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The whole template.
    #[must_use]
    pub fn json(&self) -> &Value {
        &self.template
    }

    /// Every resource, in template order.
    #[must_use]
    pub fn resources(&self) -> Vec<FoundResource<'_>> {
        let Some(Value::Object(resources)) = self.template.get("Resources") else {
            return Vec::new();
        };
        resources.iter().map(|(id, json)| FoundResource { stack: &self.id, logical_id: id, json }).collect()
    }

    /// Every resource of CloudFormation type `kind` (such as `AWS::EC2::VPC`).
    #[must_use]
    pub fn resources_of_type(&self, kind: &str) -> Vec<FoundResource<'_>> {
        self.resources().into_iter().filter(|r| r.kind() == kind).collect()
    }

    /// The resource of type `kind` at construct path `path` (as `stackwright:path` in its
    /// Metadata records it, such as `prod/network/Vpc/Resource`).
    ///
    /// # Errors
    /// [`AssertionError::NotFound`] listing the paths of the resources of that type (or of
    /// every resource, when there is none of that type).
    pub fn resource(&self, kind: &str, path: &str) -> Result<FoundResource<'_>, AssertionError> {
        let of_type = self.resources_of_type(kind);
        if let Some(found) = of_type.iter().find(|r| r.path() == Some(path)) {
            return Ok(*found);
        }
        let pool = if of_type.is_empty() { self.resources() } else { of_type };
        let mut candidates: Vec<String> = pool.iter().map(FoundResource::subject).collect();
        candidates.sort_by_key(|c| usize::MAX - common_prefix(c, path));
        candidates.truncate(10);
        Err(AssertionError::NotFound { what: format!("{kind} at '{path}' in stack {}", self.id), candidates })
    }

    /// The first resource of type `kind` whose `Properties` match `matcher`.
    ///
    /// # Errors
    /// [`AssertionError::NoMatch`] with the (at most three) resources of that type that came
    /// closest, and what differs in each.
    pub fn has_resource_properties(
        &self,
        kind: &str,
        matcher: impl Into<Match>,
    ) -> Result<FoundResource<'_>, AssertionError> {
        self.first_matching(kind, &matcher.into(), "/Properties")
    }

    /// The first resource of type `kind` that, as a whole (`Properties`, `Metadata`,
    /// `DeletionPolicy`, `DependsOn`…), matches `matcher`.
    ///
    /// # Errors
    /// As [`has_resource_properties`](Self::has_resource_properties).
    pub fn has_resource(&self, kind: &str, matcher: impl Into<Match>) -> Result<FoundResource<'_>, AssertionError> {
        self.first_matching(kind, &matcher.into(), "")
    }

    /// Checks that the stack has exactly `count` resources of type `kind`.
    ///
    /// # Errors
    /// [`AssertionError::Count`] listing the resources found.
    pub fn has_resource_count(&self, kind: &str, count: usize) -> Result<(), AssertionError> {
        let found = self.resources_of_type(kind);
        if found.len() == count {
            return Ok(());
        }
        Err(AssertionError::Count {
            what: format!("{kind} in stack {}", self.id),
            expected: count,
            found: found.iter().map(FoundResource::subject).collect(),
        })
    }

    fn first_matching(&self, kind: &str, matcher: &Match, below: &str) -> Result<FoundResource<'_>, AssertionError> {
        let mut closest: Vec<Candidate> = Vec::new();
        for resource in self.resources_of_type(kind) {
            let found = if below.is_empty() { Some(resource.json) } else { resource.json.get(&below[1..]) };
            let mismatches = matcher.mismatches(found, below);
            if mismatches.is_empty() {
                return Ok(resource);
            }
            closest.push(Candidate { subject: resource.subject(), mismatches });
        }
        closest.sort_by_key(|c| c.mismatches.len());
        closest.truncate(3);
        let part = if below.is_empty() { "resource" } else { "resource's properties" };
        Err(AssertionError::NoMatch {
            what: format!("{kind} {part} in stack {}", self.id),
            expected: matcher.to_string(),
            closest,
        })
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

impl<'t> FoundResource<'t> {
    /// The logical id in the template.
    #[must_use]
    pub fn logical_id(&self) -> &'t str {
        self.logical_id
    }

    /// The CloudFormation type.
    #[must_use]
    pub fn kind(&self) -> &'t str {
        self.json.get("Type").and_then(Value::as_str).unwrap_or_default()
    }

    /// The construct path, from the resource's Metadata; `None` for a resource synth did not
    /// write (every resource of a stackwright assembly has one).
    #[must_use]
    pub fn path(&self) -> Option<&'t str> {
        self.json.pointer("/Metadata/stackwright:path").and_then(Value::as_str)
    }

    /// The resource as written in the template.
    #[must_use]
    pub fn json(&self) -> &'t Value {
        self.json
    }

    /// The value at JSON pointer `pointer` inside the resource (such as
    /// `/Properties/CidrBlock`).
    #[must_use]
    pub fn get(&self, pointer: &str) -> Option<&'t Value> {
        self.json.pointer(pointer)
    }

    /// Checks that the resource's `Properties` match `matcher`.
    ///
    /// # Errors
    /// [`AssertionError::Mismatch`] naming the resource and each difference.
    pub fn has_properties(&self, matcher: impl Into<Match>) -> Result<(), AssertionError> {
        self.check(&matcher.into(), self.json.get("Properties"), "/Properties")
    }

    /// Checks that the whole resource matches `matcher`.
    ///
    /// # Errors
    /// [`AssertionError::Mismatch`] naming the resource and each difference.
    pub fn matches(&self, matcher: impl Into<Match>) -> Result<(), AssertionError> {
        self.check(&matcher.into(), Some(self.json), "")
    }

    fn check(&self, matcher: &Match, found: Option<&Value>, at: &str) -> Result<(), AssertionError> {
        let mismatches = matcher.mismatches(found, at);
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(AssertionError::Mismatch { subject: self.subject(), mismatches })
        }
    }

    /// `<path> (<type> <logical id> in stack <stack>)`, as failures name the resource.
    #[must_use]
    pub fn subject(&self) -> String {
        format!("{} ({} {} in stack {})", self.path().unwrap_or("<no path>"), self.kind(), self.logical_id, self.stack)
    }
}
