//! The Rust spelling of property shapes: field types, and what setters and constructors take.

use crate::model::{Field, Ty};

/// The Rust type of a value of shape `ty`.
pub(super) fn rust_type(ty: &Ty) -> String {
    match ty {
        Ty::Str(_) => "Val<String>".into(),
        Ty::Int => "Val<i64>".into(),
        Ty::Num => "Val<f64>".into(),
        Ty::Bool => "Val<bool>".into(),
        Ty::StrList(_) => "Val<Vec<String>>".into(),
        Ty::List(t) => format!("Vec<{}>", rust_type(t)),
        Ty::Map(t) => format!("BTreeMap<String, {}>", rust_type(t)),
        Ty::Struct(n) => n.clone(),
        Ty::Tag => "crate::Tag".into(),
        Ty::Json => "Value".into(),
    }
}

/// The type a setter or constructor takes for a value of shape `ty`, and the expression
/// turning `value` into the field's type.
pub(super) fn param(ty: &Ty, value: &str) -> (String, String) {
    match ty {
        Ty::Str(_) | Ty::Int | Ty::Num | Ty::Bool | Ty::StrList(_) | Ty::Json => {
            (format!("impl Into<{}>", rust_type(ty)), format!("{value}.into()"))
        }
        Ty::Struct(n) => (n.clone(), value.to_string()),
        Ty::Tag => ("crate::Tag".into(), value.to_string()),
        Ty::List(t) => {
            let (item, conv) = param(t, "v");
            if conv == "v" {
                (format!("impl IntoIterator<Item = {item}>"), format!("{value}.into_iter().collect()"))
            } else {
                (format!("impl IntoIterator<Item = {item}>"), format!("{value}.into_iter().map(Into::into).collect()"))
            }
        }
        Ty::Map(t) => {
            let (item, conv) = param(t, "v");
            let map = if conv == "v" { "v" } else { "v.into()" };
            (
                format!("impl IntoIterator<Item = (impl Into<String>, {item})>"),
                format!("{value}.into_iter().map(|(k, v)| (k.into(), {map})).collect()"),
            )
        }
    }
}

/// The declared type of a field: boxed when it would otherwise contain its own struct,
/// `Option` when optional.
pub(super) fn field_type(f: &Field) -> String {
    let t = if f.boxed { format!("Box<{}>", rust_type(&f.ty)) } else { rust_type(&f.ty) };
    if f.required { t } else { format!("Option<{t}>") }
}
