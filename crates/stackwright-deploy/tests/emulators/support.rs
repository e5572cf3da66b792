//! The emulator support list (`tests/fixtures/emulator-support.txt`): per CloudFormation
//! resource type and emulator, whether it deploys faithfully, and why not; the stacks of the
//! examples the test command synthesizes, classified by it; the table of `docs/local.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stackwright_core::assembly::StackEntry;
use stackwright_deploy::plan::Assembly;

/// The emulators, in the columns' order.
pub(crate) const EMULATORS: [&str; 2] = ["moto", "LocalStack"];

/// One resource type on one emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Support {
    /// Created, changed and deleted faithfully.
    Yes,
    /// Not (or not faithfully): why.
    No(String),
}

/// The list: type → one [`Support`] per emulator of [`EMULATORS`].
pub(crate) struct SupportList {
    types: BTreeMap<String, [Support; 2]>,
}

/// Where the list is.
pub(crate) fn list_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/emulator-support.txt")
}

impl SupportList {
    /// Reads the list: `TYPE | MOTO | LOCALSTACK` per line, each column `yes` or `no: why`;
    /// `#` starts a comment line.
    pub(crate) fn read() -> SupportList {
        let path = list_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut types = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('|').map(str::trim).collect();
            let [kind, moto, localstack] = fields[..] else {
                panic!("{}:{}: want `TYPE | moto | LocalStack`, got {line:?}", path.display(), n + 1);
            };
            let parse = |field: &str| match field {
                "yes" => Support::Yes,
                no if no.starts_with("no: ") && no.len() > 4 => Support::No(no[4..].to_string()),
                other => panic!("{}:{}: want `yes` or `no: why`, got {other:?}", path.display(), n + 1),
            };
            let previous = types.insert(kind.to_string(), [parse(moto), parse(localstack)]);
            assert!(previous.is_none(), "{}:{}: {kind} is listed twice", path.display(), n + 1);
        }
        SupportList { types }
    }

    /// Why `stack` of `assembly` does not deploy on emulator number `emulator` (`None`: it
    /// does): its resource types the emulator lacks (the list says why), and the stacks it
    /// depends on that do not deploy there. An unlisted resource type is an error naming it, the stack and the example.
    pub(crate) fn classify(
        &self,
        example: &str,
        assembly: &Assembly,
        stack: &StackEntry,
        emulator: usize,
    ) -> Result<Option<Vec<String>>, String> {
        let mut why = Vec::new();
        let mut kinds: Vec<&str> = stack.resources.values().map(|r| r.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            match self.types.get(kind) {
                None => {
                    return Err(format!(
                        "resource type {kind} of stack {} (example {example}) is not in {}: \
                         add it with whether moto and LocalStack deploy it",
                        stack.id,
                        list_path().display()
                    ));
                }
                Some(support) => {
                    if let Support::No(_) = &support[emulator] {
                        why.push(format!("`{kind}`"));
                    }
                }
            }
        }
        for dependency in &stack.dependencies {
            let upstream = assembly.stack(dependency).map_err(|e| e.to_string())?;
            if self.classify(example, assembly, upstream, emulator)?.is_some() {
                why.push(format!("needs {dependency}, which does not deploy here"));
            }
        }
        Ok(if why.is_empty() { None } else { Some(why) })
    }
}

/// The examples the test command synthesizes: `SYNTH_EXAMPLES` of `scripts/test`.
pub(crate) fn synth_examples() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = std::fs::read_to_string(root.join("scripts/test")).unwrap();
    let start = script.find("SYNTH_EXAMPLES=(").expect("scripts/test has SYNTH_EXAMPLES=(");
    let body = &script[start + "SYNTH_EXAMPLES=(".len()..];
    let body = &body[..body.find(')').expect("SYNTH_EXAMPLES ends with )")];
    let examples: Vec<String> = body.split_whitespace().map(str::to_string).collect();
    assert!(!examples.is_empty(), "SYNTH_EXAMPLES of scripts/test is empty");
    examples
}

/// Where the test command synthesized `example` (`$STACKWRIGHT_SYNTH_DIR/<example>`, default
/// `target/synth/<example>`), read; missing output fails with how to make it.
pub(crate) fn synthesized(example: &str) -> Assembly {
    let base = std::env::var_os("STACKWRIGHT_SYNTH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/synth"));
    let dir = base.join(example);
    Assembly::read(&dir).unwrap_or_else(|e| {
        panic!(
            "the synthesized {example} example is missing in {} ({e}): the test command's synth step makes it \
             (scripts/test, or `cargo run -q --example {example} -- synth --out target/synth/{example}`), \
             or set STACKWRIGHT_SYNTH_DIR",
            dir.display()
        )
    })
}

/// The tables of `docs/local.md`: one row per stack of every example, a cell per emulator;
/// then why each resource type of those stacks does not deploy, where it does not.
pub(crate) fn docs_table(list: &SupportList) -> String {
    let mut out = String::from("| example | stack | moto | LocalStack |\n|---|---|---|---|\n");
    let mut used = std::collections::BTreeSet::new();
    for example in synth_examples() {
        let assembly = synthesized(&example);
        for stack in &assembly.manifest.stacks {
            used.extend(stack.resources.values().map(|r| r.kind.clone()));
            let cells: Vec<String> = (0..EMULATORS.len())
                .map(|e| match list.classify(&example, &assembly, stack, e) {
                    Err(problem) => panic!("{problem}"),
                    Ok(None) => "**deploys**".to_string(),
                    Ok(Some(why)) => format!("no: {}", why.join(", ")),
                })
                .collect();
            out.push_str(&format!("| {example} | {} | {} | {} |\n", stack.id, cells[0], cells[1]));
        }
    }
    out.push_str("\n| resource type | moto 5.2.5 | LocalStack 4.13.1 |\n|---|---|---|\n");
    for kind in used {
        let support = &list.types[&kind];
        let cell = |s: &Support| match s {
            Support::Yes => "yes".to_string(),
            Support::No(why) => format!("no: {why}"),
        };
        out.push_str(&format!("| `{kind}` | {} | {} |\n", cell(&support[0]), cell(&support[1])));
    }
    out
}
