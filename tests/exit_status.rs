//! The table of exit statuses in `docs/exit-status.md` is the enum's: same codes, variants and
//! meanings, in order, with nothing missing or extra.

use stackwright::ExitStatus;

#[test]
fn the_documented_table_is_the_enum() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/exit-status.md");
    let Ok(doc) = std::fs::read_to_string(path) else {
        // The published crate ships no docs/; the repository always has them.
        eprintln!("{path} is not here (a packaged crate): nothing to compare");
        return;
    };
    let rows: Vec<&str> = doc
        .lines()
        .skip_while(|l| !l.starts_with("| status | variant | meaning |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let expected: Vec<String> =
        ExitStatus::ALL.iter().map(|s| format!("| {} | `{s:?}` | {} |", s.code(), s.meaning())).collect();
    assert_eq!(rows, expected, "docs/exit-status.md's table differs from stackwright::ExitStatus");
}
