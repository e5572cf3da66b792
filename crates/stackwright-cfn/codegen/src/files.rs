//! The generated files on disk: writing them, listing them, and finding the stale ones.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::GENERATED_DIR;

/// Writes generated files below `crate_dir/src/generated`, removing `.rs` files that are no
/// longer generated. Returns the number of files whose content changed.
///
/// # Errors
///
/// A file or directory below `src/generated` that cannot be read, written or removed.
pub fn write_generated(crate_dir: &Path, files: &BTreeMap<String, String>) -> Result<usize, String> {
    let root = crate_dir.join(GENERATED_DIR);
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let mut changed = 0;
    for existing in list_rs_files(&root)? {
        if !files.contains_key(&existing) {
            let p = root.join(&existing);
            fs::remove_file(&p).map_err(|e| io(&p, e))?;
            changed += 1;
        }
    }
    for (rel, text) in files {
        let p = root.join(rel);
        if fs::read_to_string(&p).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(dir) = p.parent() {
            fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        fs::write(&p, text).map_err(|e| io(&p, e))?;
        changed += 1;
    }
    // Remove directories left empty.
    if let Ok(entries) = fs::read_dir(&root) {
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() && fs::read_dir(&p).map(|mut d| d.next().is_none()).unwrap_or(false) {
                fs::remove_dir(&p).map_err(|e| io(&p, e))?;
            }
        }
    }
    Ok(changed)
}

/// The `.rs` files below `root`, as sorted paths relative to it.
///
/// # Errors
///
/// A directory below `root` that cannot be read (a missing `root` has no files).
pub fn list_rs_files(root: &Path) -> Result<Vec<String>, String> {
    /// Appends the `.rs` files below `dir` to `out`, prefixed with `prefix`.
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), String> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let p = entry.path();
            if p.is_dir() {
                walk(&p, &format!("{prefix}{name}/"), out)?;
            } else if name.ends_with(".rs") {
                out.push(format!("{prefix}{name}"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// The files below `crate_dir/src/generated` that differ from `files` (the generator's output):
/// changed or missing ones, and `.rs` files no longer generated (marked so). Empty when the
/// committed code is up to date.
///
/// # Errors
///
/// A directory below `src/generated` that cannot be read.
pub fn stale_files(crate_dir: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>, String> {
    let root = crate_dir.join(GENERATED_DIR);
    let mut stale = Vec::new();
    for (rel, text) in files {
        if fs::read_to_string(root.join(rel)).ok().as_deref() != Some(text.as_str()) {
            stale.push(rel.clone());
        }
    }
    for rel in list_rs_files(&root)? {
        if !files.contains_key(&rel) {
            stale.push(format!("{rel} (no longer generated)"));
        }
    }
    Ok(stale)
}
