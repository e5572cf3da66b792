//! `synth --workflows`: the workflows of the assembly land in the repository's
//! `.github/workflows`, replacing and pruning only what stackwright wrote.

use stackwright::cli::{WORKFLOW_MARKER, write_workflows};
use stackwright::prelude::*;

fn assembly() -> stackwright::core::Assembly {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let props = GitHubPipelineProps::new(GitHubRepository::new("acme/demo").unwrap());
    GitHubPipeline::new(&prod.stack("cicd"), "GitHub", props).unwrap();
    app.synth().unwrap()
}

#[test]
fn writes_replaces_and_prunes_only_its_own_workflows() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hand-written.yml"), "name: mine\non: push\n").unwrap();
    std::fs::write(dir.join("stackwright-old.yml"), format!("{WORKFLOW_MARKER}: old\n")).unwrap();
    std::fs::write(dir.join("stackwright-pr.yml"), format!("{WORKFLOW_MARKER}: stale content\n")).unwrap();

    let assembly = assembly();
    assert_eq!(write_workflows(&assembly, repo.path()).unwrap(), 2);

    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert_eq!(names, ["hand-written.yml", "stackwright-deploy.yml", "stackwright-pr.yml"]);
    let pr = std::fs::read_to_string(dir.join("stackwright-pr.yml")).unwrap();
    assert_eq!(Some(pr.as_str()), assembly.file(".github/workflows/stackwright-pr.yml"));
    assert!(pr.starts_with(WORKFLOW_MARKER));
    // a second run changes nothing
    assert_eq!(write_workflows(&assembly, repo.path()).unwrap(), 2);
    assert_eq!(std::fs::read_to_string(dir.join("stackwright-pr.yml")).unwrap(), pr);
}
