//! The construct-guide example (`examples/team_topic.rs`, `docs/writing-a-construct.md`): its
//! golden output as insta snapshots in `snapshots/team_topic/`, and the user-written construct
//! fed bad props (every problem recorded at once, with the construct's path and a hint; its
//! consumer rejected with it, without a problem of its own), left without a subscription (the
//! check it registered fails synth), and making a mistake in the same run as a library
//! construct (both printed by the README's `main`).

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/team_topic.rs"]
mod team_topic;

mod golden;
mod support;

use stackwright::prelude::*;
use team_topic::{EncryptedTopic, EncryptedTopicProps, PublisherRole};

#[test]
fn the_team_topic_example_synthesizes_to_its_golden_output() {
    let groups = golden::assert_golden_output("team_topic", team_topic::build);
    assert!(groups.is_empty(), "one template and the manifest, nothing else: {groups:?}");
}

#[test]
fn two_synths_of_the_team_topic_example_are_byte_identical() {
    golden::assert_deterministic(team_topic::build);
}

fn stack() -> (App, Stack) {
    let app = App::new("payments");
    let prod = app.environment("prod", Account::new("345678901234").unwrap(), Region::EuCentral1);
    let stack = prod.stack("notifications");
    (app, stack)
}

#[test]
fn bad_props_are_recorded_together_with_the_construct_path_and_a_hint() {
    let (app, stack) = stack();
    let props = EncryptedTopicProps::new("  ").publishing_services(["events", "sns.amazonaws.com"]);
    let topic = EncryptedTopic::new(&stack, "Alerts", props).unwrap();
    assert!(topic.node().is_rejected());
    topic.subscribe_email("oncall@example.com").unwrap();
    // Its consumer is rejected with it, and adds no problem of its own.
    let publisher = PublisherRole::new(&stack, "Publisher", "events.amazonaws.com", &topic.handle()).unwrap();
    assert!(publisher.node().is_rejected());
    let error = app.synth().unwrap_err();
    let problems = error.diagnostics();
    assert_eq!(problems.len(), 2, "{error}");
    assert!(problems.iter().all(|d| d.path == "prod/notifications/Alerts"), "{error}");
    assert!(problems[0].message.contains("display name '  '"), "{error}");
    assert!(problems[0].hint.contains("1 to 100 characters"), "{error}");
    assert_eq!(problems[1].message, "'events' is not an AWS service principal");
    assert!(problems[1].hint.contains("<service>.amazonaws.com"), "{error}");
}

#[test]
fn a_bad_email_is_recorded_at_the_topic() {
    let (app, stack) = stack();
    let topic = EncryptedTopic::new(&stack, "Alerts", EncryptedTopicProps::new("Alerts")).unwrap();
    topic.subscribe_email("oncall").unwrap();
    topic.subscribe_email("oncall@example.com").unwrap();
    let error = app.synth().unwrap_err();
    assert_eq!(error.diagnostics().len(), 1, "{error}");
    let problem = &error.diagnostics()[0];
    assert_eq!(problem.path, "prod/notifications/Alerts");
    assert_eq!(problem.message, "'oncall' is not an e-mail address");
    assert!(problem.hint.contains("team-oncall@example.com"), "{error}");
}

#[test]
fn the_registered_check_fails_synth_for_a_topic_without_subscription() {
    let (app, stack) = stack();
    let topic = EncryptedTopic::new(&stack, "Alerts", EncryptedTopicProps::new("Alerts")).unwrap();
    PublisherRole::new(&stack, "Publisher", "events.amazonaws.com", &topic.handle()).unwrap();
    let error = app.synth().unwrap_err();
    let problem = &error.diagnostics()[0];
    assert_eq!(problem.path, "prod/notifications/Alerts");
    assert!(problem.message.contains("no subscription"), "{error}");
    assert!(problem.hint.contains("subscribe_email"), "{error}");
}

/// A mistake in this construct and one in a library construct, in a program shaped exactly
/// like the README's (`examples/mistakes.rs`, which adds this example's topic when one of its
/// mistakes is asked for): both printed in one run, once each, with path, value and hint.
#[test]
fn a_mistake_here_and_one_in_a_library_construct_are_printed_in_one_run() {
    let output = support::run("topic-name,repository-name", &["synth"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        support::stderr(&output),
        concat!(
            "error: prod/registry/FlaskApp: invalid repository name 'Flask App': 'F' is not allowed\n",
            "  hint: use 2 to 256 lower-case letters, digits and '.', '_', '-' between them, with '/' separating ",
            "path parts, such as team/flask-app\n",
            "error: prod/notifications/Alerts: display name '' is empty or longer than 100 characters\n",
            "  hint: give the topic a display name of 1 to 100 characters, such as 'Payments alerts'\n",
            "error: 2 problems found\n",
        )
    );
}

/// `docs/writing-a-construct.md` quotes this example: every Rust block of it must be a verbatim
/// part of the example or of this test (at any indentation), so the guide's code compiles.
#[test]
fn the_construct_guide_quotes_the_example_verbatim() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |path: &str| std::fs::read_to_string(format!("{root}/{path}")).expect(path);
    let guide = read("docs/writing-a-construct.md");
    let sources = [read("examples/team_topic.rs"), read("tests/team_topic_snapshot.rs")];
    let blocks: Vec<&str> =
        guide.split("```rust\n").skip(1).map(|rest| rest.split_once("\n```").expect("a closed block").0).collect();
    assert!(blocks.len() >= 8, "the guide quotes the construct, its props, handle, consumer and tests");
    for block in blocks {
        let quoted = (0..=8).step_by(4).any(|indent| {
            let pad = " ".repeat(indent);
            let indented: Vec<String> =
                block.lines().map(|l| if l.is_empty() { String::new() } else { format!("{pad}{l}") }).collect();
            sources.iter().any(|source| source.contains(&indented.join("\n")))
        });
        assert!(quoted, "this block of the guide is not in examples/team_topic.rs:\n{block}");
    }
}
