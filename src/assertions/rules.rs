//! Ready-made platform rules (filled in by the next change).
