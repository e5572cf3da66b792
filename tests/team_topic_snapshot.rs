//! The construct-guide example (`examples/team_topic.rs`, `docs/writing-a-construct.md`): its
//! golden output as insta snapshots in `snapshots/team_topic/`, and the user-written construct
//! fed bad props (every problem at once, with the construct's path and a hint) and left without
//! a subscription (the check it registered fails synth).

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/team_topic.rs"]
mod team_topic;

mod golden;

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
fn bad_props_are_reported_together_with_the_construct_path_and_a_hint() {
    let (_app, stack) = stack();
    let props = EncryptedTopicProps::new("  ").publishing_services(["events", "sns.amazonaws.com"]);
    let Err(error) = EncryptedTopic::new(&stack, "Alerts", props) else { panic!("bad props were accepted") };
    let problems = error.diagnostics();
    assert_eq!(problems.len(), 2, "{error}");
    assert!(problems.iter().all(|d| d.path == "prod/notifications/Alerts"), "{error}");
    assert!(problems[0].message.contains("display name '  '"), "{error}");
    assert!(problems[0].hint.contains("1 to 100 characters"), "{error}");
    assert_eq!(problems[1].message, "'events' is not an AWS service principal");
    assert!(problems[1].hint.contains("<service>.amazonaws.com"), "{error}");
}

#[test]
fn a_bad_email_is_reported_at_the_topic() {
    let (_app, stack) = stack();
    let topic = EncryptedTopic::new(&stack, "Alerts", EncryptedTopicProps::new("Alerts")).unwrap();
    let error = topic.subscribe_email("oncall").unwrap_err();
    let problem = &error.diagnostics()[0];
    assert_eq!(problem.path, "prod/notifications/Alerts");
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
