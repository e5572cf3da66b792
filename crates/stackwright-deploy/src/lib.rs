//! The stackwright deploy runtime.
