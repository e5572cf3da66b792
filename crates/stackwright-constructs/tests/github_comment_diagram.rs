//! The pull-request comment shows the picture of the change (`diff --json`'s `diagram`) as a
//! ```` ```mermaid ```` block, not repeated in the JSON below it, and leaves it out with a line
//! saying so when the comment would pass GitHub's 65,536 characters. Runs the comment script
//! (`comment.js`) under node with a fake `github` client.

// As the workflow carries it: the shared `diffLines`, then the script.
const SCRIPT: &str = concat!(
    include_str!("../src/delivery/github/comment_shared.js"),
    include_str!("../src/delivery/github/pipeline/comment.js")
);

/// The body of the comment the script creates for `report`.
fn comment(report: &str) -> String {
    let harness = format!(
        r"
const calls = [];
const github = {{
  paginate: async () => [],
  rest: {{ issues: {{
    listComments: () => {{}},
    updateComment: async (a) => calls.push(a.body),
    createComment: async (a) => calls.push(a.body),
  }} }},
}};
const context = {{ repo: {{ owner: 'acme', repo: 'shop' }}, issue: {{ number: 7 }} }};
(async () => {{
{SCRIPT}
}})().then(() => console.log(JSON.stringify(calls)));
"
    );
    let out = std::process::Command::new("node")
        .args(["-e", &harness])
        .env("REPORT", report)
        .env("SECURITY", "0")
        .env("LABEL", "security-reviewed")
        .output()
        .expect("node runs (the test command installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(calls.len(), 1);
    calls[0].clone()
}

#[test]
fn the_comment_shows_the_picture_of_the_change_as_a_mermaid_block() {
    let diagram = "flowchart TB\n  n1[\"node group Batch (added)\"]\n  classDef added fill:#dafbe1\n  class n1 added\n";
    let report = serde_json::json!({"stacks": [], "clusters": [], "failed": [], "diagram": diagram}).to_string();
    let body = comment(&report);
    assert!(body.contains(&format!("```mermaid\n{}\n```", diagram.trim_end())), "{body}");
    assert_eq!(body.matches("node group Batch (added)").count(), 1, "not repeated in the JSON: {body}");
    assert!(body.len() <= 65_536);

    let huge = format!("flowchart TB\n{}", "  n1[\"x\"]\n".repeat(7_000));
    let report = serde_json::json!({"stacks": [], "clusters": [], "failed": [], "diagram": huge}).to_string();
    let body = comment(&report);
    assert!(!body.contains("```mermaid"), "{}", &body[..400]);
    assert!(body.contains("does not fit in this comment"), "{body}");
    assert!(body.chars().count() <= 65_536, "{}", body.len());

    // one report per stage: a picture per stage, named
    let staged = serde_json::json!({
        "staging": {"stacks": [], "failed": [], "diagram": "flowchart TB\n  a[\"staging picture\"]\n"},
        "prod": {"stacks": [], "failed": [], "diagram": "flowchart TB\n  a[\"prod picture\"]\n"},
    })
    .to_string();
    let body = comment(&staged);
    assert!(
        body.contains(
            "#### Picture of the change (staging)\n\n```mermaid\nflowchart TB\n  a[\"staging picture\"]\n```"
        ),
        "{body}"
    );
    assert!(body.contains("#### Picture of the change (prod)\n\n```mermaid"), "{body}");
    assert_eq!(body.matches("prod picture").count(), 1, "{body}");

    let without = serde_json::json!({"stacks": [], "clusters": [], "failed": []}).to_string();
    assert!(!comment(&without).contains("mermaid"));
}
