//! The closed vocabularies of qualifier values.

/// Values allowed for the `line` qualifier.
pub const LINES: &[&str] = &["first", "second", "third-or-later", "later"];
/// Values allowed for the `frequency` qualifier.
pub const FREQUENCIES: &[&str] = &[
    "common",
    "possible",
    "occasional",
    "low-risk",
    "rare",
    "very-rare",
];
