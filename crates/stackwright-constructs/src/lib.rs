//! The constructs stackwright users compose.
