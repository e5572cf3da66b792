//! The chained setters of props types, generated so that every props type reads alike (the
//! convention is in `docs/props.md`): one `#[must_use]` method per optional field, named
//! exactly like the field.
//!
//! ```ignore
//! setters! { VpcProps {
//!     value max_azs: usize,              // fn max_azs(self, usize)
//!     into name: String,                 // fn name(self, impl Into<String>)
//!     some desired_size: u32,            // fn desired_size(self, u32) sets Some
//!     some_into role_name: String,       // fn role_name(self, impl Into<String>) sets Some
//!     list subnets: SubnetConfig,        // fn subnets(self, impl IntoIterator<Item = SubnetConfig>)
//!     list_into zones: String,           // fn zones(self, impl IntoIterator<Item = impl Into<String>>)
//!     map labels,                        // fn labels(self, impl IntoIterator<Item = (K, V)>) of strings
//! } }
//! ```
//!
//! `some` takes the value (never an `Option`): a field whose default is `Some` gets a
//! hand-written `without_<field>()` besides. `list` takes the element type itself, so that
//! `["10.0.0.0/24".parse()?]` infers it; `list_into` converts (strings, late-bound values).

/// Generates the setters of one props type; see the module.
macro_rules! setters {
    ($ty:ident $(<$lt:lifetime>)? { $($kind:ident $field:ident $(: $t:ty)?),* $(,)? }) => {
        impl $(<$lt>)? $ty $(<$lt>)? {
            $( $crate::internal::setters::setters!(@$kind $field $(: $t)?); )*
        }
    };
    (@value $field:ident: $t:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` (the field's documentation says what it means and its default).")]
        #[must_use]
        pub fn $field(mut self, $field: $t) -> Self {
            self.$field = $field;
            self
        }
    };
    (@into $field:ident: $t:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` (the field's documentation says what it means and its default).")]
        #[must_use]
        pub fn $field(mut self, $field: impl Into<$t>) -> Self {
            self.$field = $field.into();
            self
        }
    };
    (@some $field:ident: $t:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` to `Some` of the value (the field's documentation says what it means and its default).")]
        #[must_use]
        pub fn $field(mut self, $field: $t) -> Self {
            self.$field = Some($field);
            self
        }
    };
    (@some_into $field:ident: $t:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` to `Some` of the value (the field's documentation says what it means and its default).")]
        #[must_use]
        pub fn $field(mut self, $field: impl Into<$t>) -> Self {
            self.$field = Some($field.into());
            self
        }
    };
    (@list $field:ident: $t:ty) => {
        #[doc = concat!("Replaces `", stringify!($field), "` with these values (the field's documentation says what they mean and the default).")]
        #[must_use]
        pub fn $field(mut self, $field: impl IntoIterator<Item = $t>) -> Self {
            self.$field = $field.into_iter().collect();
            self
        }
    };
    (@list_into $field:ident: $t:ty) => {
        #[doc = concat!("Replaces `", stringify!($field), "` with these values (the field's documentation says what they mean and the default).")]
        #[must_use]
        pub fn $field(mut self, $field: impl IntoIterator<Item = impl Into<$t>>) -> Self {
            self.$field = $field.into_iter().map(Into::into).collect();
            self
        }
    };
    (@map $field:ident) => {
        #[doc = concat!("Replaces `", stringify!($field), "` with these key-value pairs (the field's documentation says what they mean and the default).")]
        #[must_use]
        pub fn $field(mut self, $field: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>) -> Self {
            self.$field = $field.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
            self
        }
    };
}

pub(crate) use setters;
