//! `tools/validate-cfn` lints each template of an assembly against its environment's region,
//! read from the assembly's `manifest.json`, not against cfn-lint's default us-east-1.
//!
//! One program, two environments: a launch template of `c8id.large` (offered in us-east-1, not
//! in eu-west-1) in each. Only the eu-west-1 one is a finding. Needs the validators venv
//! (`tools/install`) and says so when it is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use stackwright::prelude::*;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validators_installed(root: &Path) -> bool {
    std::env::var_os("STACKWRIGHT_VENV_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".venv/validators"))
        .join("bin/cfn-lint")
        .exists()
}

/// An app with one stack per region, each holding a launch template of `instance_type`.
fn program(instance_type: &str) -> stackwright::Result<App> {
    let app = App::new("regions");
    let account = Account::new("210987654321")?;
    for (env, region) in [("eu", Region::EuWest1), ("use1", Region::UsEast1)] {
        let stack = app.environment(env, account.clone(), region).stack("compute");
        Resource::new(
            &stack,
            "LaunchTemplate",
            RawResource::new("AWS::EC2::LaunchTemplate")
                .with("LaunchTemplateData", Value::map([("InstanceType", instance_type)])),
        )?;
    }
    Ok(app)
}

#[test]
fn each_template_is_linted_against_its_own_region() {
    let root = workspace();
    let out = root.join("target/synth-tests/validate-cfn-regions");
    program("c8id.large").unwrap().synth_to(&out).unwrap();
    if !validators_installed(&root) {
        eprintln!("SKIPPED: cfn-lint not installed (run tools/install); synthesized into {}", out.display());
        return;
    }
    let output = Command::new(root.join("tools/validate-cfn")).arg(&out).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("regions: eu-west-1 (1), us-east-1 (1)"), "{text}");
    assert!(text.contains("cfn-lint: 2 templates, 1 errors, 0 warnings"), "{text}");
    let finding = text.lines().find(|l| l.contains("E3628")).unwrap_or_default();
    assert!(finding.contains("eu-compute.template.json") && finding.contains("'eu-west-1'"), "{text}");
}
