//! No hand-written Rust source file over [`MAX_LINES`] lines.
//!
//! Every `.rs` file under the workspace root counts, tests, examples and benches included,
//! except generated code (a path with a `generated` folder in it) and what is not source: build
//! output (`target/`), hidden folders (`.git/`, `.venv/`) and `node_modules/`.

use std::path::{Path, PathBuf};

/// The most lines a hand-written source file may have.
pub(crate) const MAX_LINES: usize = 600;

/// A file over the limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Oversized {
    /// Relative to the workspace root.
    pub(crate) file: PathBuf,
    /// Its line count.
    pub(crate) lines: usize,
}

/// The hand-written `.rs` files under `root` with more than [`MAX_LINES`] lines, longest first.
///
/// # Errors
/// A folder or file that cannot be read.
pub(crate) fn oversized(root: &Path) -> std::io::Result<Vec<Oversized>> {
    let mut files = Vec::new();
    rust_files(root, &mut files)?;
    let mut found = Vec::new();
    for file in files {
        let lines = std::fs::read_to_string(&file)?.lines().count();
        if lines > MAX_LINES {
            let file = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
            found.push(Oversized { file, lines });
        }
    }
    found.sort_by(|a, b| b.lines.cmp(&a.lines).then_with(|| a.file.cmp(&b.file)));
    Ok(found)
}

/// Collects the hand-written `.rs` files below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries = std::fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            let skipped = name.starts_with('.') || matches!(name.as_ref(), "target" | "node_modules" | "generated");
            if !skipped {
                rust_files(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> String {
        (0..n).map(|i| format!("// {i}\n")).collect()
    }

    #[test]
    fn catches_601_lines_and_passes_600() {
        let dir = tempfile::tempdir().expect("tempdir");
        let six_hundred = lines(600);
        let six_hundred_one = lines(601);
        crate::modtree::fixture::write(
            dir.path(),
            &[
                ("src/ok.rs", &six_hundred),
                ("src/long.rs", &six_hundred_one),
                ("src/generated/big.rs", &six_hundred_one),
                ("target/debug/build/out.rs", &six_hundred_one),
                ("notes.txt", &six_hundred_one),
            ],
        );
        let found = oversized(dir.path()).expect("readable");
        assert_eq!(found, [Oversized { file: PathBuf::from("src/long.rs"), lines: 601 }]);
    }
}
