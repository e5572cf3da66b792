//! CloudFormation resources in the construct tree: the [`ResourceType`] trait that generated
//! (L1) types implement, the typed [`Resource`] handle, and the [`RawResource`] escape hatch
//! for any type and property.

use std::marker::PhantomData;
use std::ops::Deref;

use indexmap::IndexMap;

use crate::error::{Diagnostic, Result};
use crate::template::DeletionPolicy;
use crate::tree::{Construct, Node, ResourceData};
use crate::value::{Attr, AttrKind, NodeRef, Value};

/// A CloudFormation resource type: its name, its properties as a [`Value`] map, the kind of its
/// `Ref` and the typed attribute getters of a created resource.
pub trait ResourceType {
    /// Typed getters for the resource's `Fn::GetAtt` attributes.
    type Attributes;

    /// What the resource's `Ref` returns, as CloudFormation documents it for the type: a kind
    /// (`VpcId` for a VPC, `Arn` for an SNS topic), or `String` when nothing more is known.
    type Ref: AttrKind;

    /// The type name, such as `AWS::EC2::VPC`.
    fn type_name(&self) -> &str;

    /// The `Properties` object.
    fn properties(&self) -> Value;

    /// The attribute getters of the resource at `node`.
    fn attributes(node: NodeRef) -> Self::Attributes;
}

/// A resource in a stack. Dereferences to the type's attribute getters.
pub struct Resource<T: ResourceType> {
    node: Node,
    attributes: T::Attributes,
    _type: PhantomData<fn() -> T>,
}

impl<T: ResourceType> Resource<T> {
    /// Adds a resource with `props` under `scope`, which must be inside a stack.
    ///
    /// # Errors
    /// When `id` is invalid or taken by a sibling, or `scope` is not inside a stack.
    pub fn new(scope: &impl Construct, id: &str, props: T) -> Result<Self> {
        let node = scope.node().add_child(id)?;
        node.require_stack(&format!("resource '{id}' ({})", props.type_name()))?;
        node.set_resource(ResourceData {
            type_name: props.type_name().to_string(),
            properties: props.properties(),
            deletion_policy: None,
            update_replace_policy: None,
            condition: None,
            metadata: IndexMap::new(),
        });
        let attributes = T::attributes(node.node_ref());
        Ok(Resource { node, attributes, _type: PhantomData })
    }

    /// The handle a rejected construct (see [`Node::reject`]) keeps in place of a resource it
    /// never created: its reference and attributes are values of the rejected construct, which
    /// synth never renders, and setting anything on it does nothing.
    #[must_use]
    pub fn rejected(construct: &impl Construct) -> Self {
        let node = construct.node().clone();
        let attributes = T::attributes(node.node_ref());
        Resource { node, attributes, _type: PhantomData }
    }

    /// `Ref` of the resource (its physical id: a VPC id, a role name, …), of the kind its type
    /// declares ([`ResourceType::Ref`]).
    #[must_use]
    pub fn reference(&self) -> Attr<T::Ref> {
        Attr::from_value(Value::Ref(self.node.node_ref()))
    }

    /// `Fn::GetAtt` of any attribute, typed as `K`: the escape hatch for attributes the
    /// generated getters do not cover. Neither the name nor the kind is checked, so prefer the
    /// generated getters.
    #[must_use]
    pub fn get_att<K>(&self, attribute: &str) -> Attr<K> {
        Attr::from_value(Value::GetAtt(self.node.node_ref(), attribute.to_string()))
    }

    /// What happens to the physical resource when the resource is deleted (`DeletionPolicy`).
    pub fn set_deletion_policy(&self, policy: DeletionPolicy) {
        self.with_data(|r| r.deletion_policy = Some(policy));
    }

    /// What happens to the physical resource when an update replaces it
    /// (`UpdateReplacePolicy`).
    pub fn set_update_replace_policy(&self, policy: DeletionPolicy) {
        self.with_data(|r| r.update_replace_policy = Some(policy));
    }

    /// Creates the resource only when the named template condition holds.
    pub fn set_condition(&self, condition: &str) {
        self.with_data(|r| r.condition = Some(condition.to_string()));
    }

    /// Adds an entry to the resource's template `Metadata`.
    pub fn add_resource_metadata(&self, key: &str, value: impl Into<serde_json::Value>) {
        let value = value.into();
        self.with_data(|r| {
            r.metadata.insert(key.to_string(), value);
        });
    }

    /// Sets a property by dotted path (`"Tags"`, `"LaunchTemplateData.MetadataOptions"`),
    /// creating intermediate objects: the escape hatch for properties a type does not model.
    /// `Value::Null` removes the property.
    ///
    /// # Errors
    /// When a part of the path other than the last names a property that is not an object.
    pub fn set_property(&self, dotted_path: &str, value: impl Into<Value>) -> Result<()> {
        let value = value.into();
        let path = self.node.path();
        self.with_data(|r| set_path(&mut r.properties, dotted_path, value)).unwrap_or(Ok(())).map_err(|message| {
            Diagnostic::new(path, message, "only objects can hold properties; check the dotted path").into()
        })
    }

    /// Calls `f` on the resource's data; `None` for the handle of a rejected construct
    /// ([`Resource::rejected`]), which has none.
    fn with_data<R>(&self, f: impl FnOnce(&mut ResourceData) -> R) -> Option<R> {
        self.node.with_resource_mut(f)
    }
}

/// Any resource of the tree, reached by its path below a construct: the handle overrides take
/// for a construct's inner resources, whose typed handles the construct keeps to itself.
///
/// ```
/// use stackwright_core::{App, Account, AnyResource, Construct, Region, RawResource, Resource};
/// let app = App::new("demo");
/// let stack = app.environment("dev", Account::new("123456789012")?, Region::EuWest1).stack("network");
/// Resource::new(&stack, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16"))?;
/// let vpc = AnyResource::find(&stack, "Vpc")?;
/// assert_eq!(vpc.type_name(), "AWS::EC2::VPC");
/// vpc.override_property_unchecked("EnableDnsSupport", true)?;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AnyResource {
    node: Node,
    type_name: String,
}

impl AnyResource {
    /// The resource at `relative_path` below `scope` (ids joined by `/`; `""` is `scope`
    /// itself). A construct that is not a resource stands for its default child, as in the
    /// CDK: its child `Resource` (so `find(&stack, "Cluster")` is the cluster's
    /// `AWS::EKS::Cluster`).
    ///
    /// # Errors
    /// When the path names no node, or a node that is not a resource; the hint lists the
    /// children of the deepest node found.
    pub fn find(scope: &impl Construct, relative_path: &str) -> Result<Self> {
        let scope = scope.node();
        let Some(node) = scope.find(relative_path) else {
            let mut deepest = scope.clone();
            for id in relative_path.split('/').filter(|id| !id.is_empty()) {
                match deepest.find(id) {
                    Some(next) => deepest = next,
                    None => break,
                }
            }
            let children: Vec<String> = deepest.children().iter().map(Node::id).collect();
            return Err(Diagnostic::new(
                scope.path(),
                format!("no construct at '{relative_path}' below '{}'", scope.path()),
                format!("the children of '{}' are: {}", deepest.path(), children.join(", ")),
            )
            .into());
        };
        let resource_type = |n: &Node| n.with_resource_mut(|r| r.type_name.clone());
        let (node, type_name) = match resource_type(&node) {
            Some(t) => (node, Some(t)),
            None => match node.find("Resource") {
                Some(child) => {
                    let t = resource_type(&child);
                    (if t.is_some() { child } else { node }, t)
                }
                None => (node, None),
            },
        };
        let Some(type_name) = type_name else {
            let children: Vec<String> = node.children().iter().map(Node::id).collect();
            return Err(Diagnostic::new(
                node.path(),
                "this construct is not a CloudFormation resource",
                format!("find the resource below it; its children are: {}", children.join(", ")),
            )
            .into());
        };
        Ok(AnyResource { node, type_name })
    }

    /// The resource type, such as `AWS::EKS::Cluster`.
    #[must_use]
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// Overrides a property by dotted path (as [`Resource::set_property`]) and records the
    /// path in the resource's template `Metadata` (`stackwright:overrides`), so that a changed
    /// value can be traced to the override. The path is **not** checked: the
    /// `stackwright_cfn::CheckedOverride` trait checks it against the type's registry schema
    /// first.
    ///
    /// # Errors
    /// When a part of the path other than the last names a property that is not an object.
    pub fn override_property_unchecked(&self, dotted_path: &str, value: impl Into<Value>) -> Result<()> {
        let value = value.into();
        let path = self.node.path();
        self.node
            .with_resource_mut(|r| {
                set_path(&mut r.properties, dotted_path, value)?;
                let overrides = r
                    .metadata
                    .entry("stackwright:overrides".to_string())
                    .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                if let serde_json::Value::Array(paths) = overrides {
                    paths.push(dotted_path.into());
                }
                Ok(())
            })
            .unwrap_or(Ok(()))
            .map_err(|message: String| {
                Diagnostic::new(path, message, "only objects can hold properties; check the dotted path").into()
            })
    }
}

impl Construct for AnyResource {
    fn node(&self) -> &Node {
        &self.node
    }
}

fn set_path(target: &mut Value, dotted_path: &str, value: Value) -> std::result::Result<(), String> {
    let mut cur = target;
    let parts: Vec<&str> = dotted_path.split('.').collect();
    for (i, key) in parts.iter().enumerate() {
        let Value::Map(map) = cur else {
            return Err(format!("cannot set '{dotted_path}': '{}' is not an object", parts[..i].join(".")));
        };
        if i + 1 == parts.len() {
            if value == Value::Null {
                map.shift_remove(*key);
            } else {
                map.insert((*key).to_string(), value);
            }
            return Ok(());
        }
        cur = map.entry((*key).to_string()).or_insert_with(|| Value::Map(IndexMap::new()));
    }
    Ok(())
}

impl<T: ResourceType> Deref for Resource<T> {
    type Target = T::Attributes;
    fn deref(&self) -> &T::Attributes {
        &self.attributes
    }
}

impl<T: ResourceType> Construct for Resource<T> {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// Any resource type with untyped properties: the escape hatch for types and properties the
/// generated types do not cover.
///
/// ```
/// use stackwright_core::{App, Account, Region, RawResource, Resource};
/// let app = App::new("demo");
/// let stack = app.environment("dev", Account::new("123456789012")?, Region::EuWest1).stack("network");
/// let vpc = Resource::new(&stack, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16"))?;
/// let _vpc_id = vpc.reference();
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RawResource {
    type_name: String,
    properties: IndexMap<String, Value>,
}

impl RawResource {
    /// A resource of type `type_name` (such as `AWS::EC2::VPC`) with no property yet.
    #[must_use]
    pub fn new(type_name: &str) -> Self {
        RawResource { type_name: type_name.to_string(), properties: IndexMap::new() }
    }

    /// Sets a top-level property.
    #[must_use]
    pub fn with(mut self, property: &str, value: impl Into<Value>) -> Self {
        self.properties.insert(property.to_string(), value.into());
        self
    }
}

/// Attribute getters of a [`RawResource`].
pub struct RawAttributes {
    node: NodeRef,
}

impl RawAttributes {
    /// `Fn::GetAtt` of `attribute`, untyped as the resource is.
    #[must_use]
    pub fn attr(&self, attribute: &str) -> Attr<String> {
        Attr::from_value(Value::GetAtt(self.node, attribute.to_string()))
    }
}

impl ResourceType for RawResource {
    type Attributes = RawAttributes;
    type Ref = String;

    fn type_name(&self) -> &str {
        &self.type_name
    }

    fn properties(&self) -> Value {
        Value::Map(self.properties.clone())
    }

    fn attributes(node: NodeRef) -> RawAttributes {
        RawAttributes { node }
    }
}
