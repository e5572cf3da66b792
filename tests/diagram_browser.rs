//! The picture in a real browser and the real Mermaid parser (`tools/check-diagram`): the
//! reference platform's `diagram.svg` renders to a screenshot that is not blank, every label
//! lies inside its box and the viewBox and no two overlap (measured with `getBBox()` in headless
//! Chromium), and `diagram.mmd` is accepted by the `mermaid` package (mermaid-cli). The check
//! accepts the Mermaid pictures collapsed to fit a comment, and fails the pictures it should: a label outside its box, two labels on top of each
//! other, a blank picture, Mermaid that does not parse.
//!
//! Needs Chromium (`tools/install` installs Debian's chromium-headless-shell and fonts) and
//! node/npm (mermaid-cli is installed on first use); fails, never skips, without them.

use std::path::{Path, PathBuf};
use std::process::Command;

use stackwright::core::diagram::{PlatformBuilder, compare, mermaid_within};

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/prod.rs"]
mod prod;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs tools/check-diagram on `dir`: (exit code, stdout + stderr).
fn check(dir: &Path) -> (Option<i32>, String) {
    let out = Command::new(root().join("tools/check-diagram")).arg(dir).output().expect("tools/check-diagram runs");
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_reference_platforms_picture_passes_the_browser_and_mermaid_checks_and_broken_ones_fail() {
    let base = tempfile::tempdir().unwrap();
    let good = base.path().join("prod");
    prod::build().unwrap().synth_to(&good).unwrap();
    let (code, text) = check(&good);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("labels in their boxes") && text.contains("mermaid ok"), "{text}");

    let svg = std::fs::read_to_string(good.join("diagram.svg")).unwrap();
    let mmd = std::fs::read_to_string(good.join("diagram.mmd")).unwrap();
    let broken = |name: &str, svg: &str, mmd: &str| {
        let dir = base.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("diagram.svg"), svg).unwrap();
        std::fs::write(dir.join("diagram.mmd"), mmd).unwrap();
        check(&dir)
    };
    // the title label moved 5000 px to the right: outside its box and the viewBox
    let outside = svg.replacen(r#"<text x="11" y="22""#, r#"<text x="5011" y="22""#, 1);
    assert_ne!(outside, svg, "the fixture edit applies");
    let (code, text) = broken("outside", &outside, &mmd);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("leaves its box") && text.contains("leaves the viewBox"), "{text}");
    // a second copy of the first box: its label lies on the first one's
    let first_box = svg.lines().find(|l| l.starts_with(r#"<g class="box">"#)).unwrap();
    let overlapping = svg.replacen(first_box, &format!("{first_box}\n{first_box}"), 1);
    let (code, text) = broken("overlap", &overlapping, &mmd);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("overlap"), "{text}");
    // every drawing removed: a white page
    let blank = format!("{}</svg>\n", &svg[..svg.find("<g class=").unwrap()]).replace("<title>", "<title>blank ");
    let (code, text) = broken("blank", &blank, &mmd);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("the screenshot is blank"), "{text}");
    // the pictures collapsed to fit a comment parse too: unchanged elements counted, and counts only
    for (name, before, limit) in [("collapsed", 2_999, 20_000), ("counts", 0, 20_000)] {
        let (mut old, mut new) = (PlatformBuilder::default(), PlatformBuilder::default());
        for b in [&mut old, &mut new] {
            b.environment("dev", "eu-west-1");
            b.cluster("dev-c", "dev", "c");
        }
        for i in 0..3_000 {
            let name = format!("worker-{i:04}");
            if i < before {
                old.object("dev-c", "Deployment", "batch", &name, "dev/c/Batch", None);
            }
            new.object("dev-c", "Deployment", "batch", &name, "dev/c/Batch", None);
        }
        let marked = compare(&old.build(), &new.build(), &Default::default());
        let text = mermaid_within("platform dev", &marked, limit);
        assert!(text.contains("collapsed to fit a GitHub comment"), "{text}");
        let (code, out) = broken(name, &svg, &text);
        assert_eq!(code, Some(0), "{out}\n{text}");
    }
    // Mermaid with an unclosed label
    let (code, text) = broken("mermaid", &svg, &mmd.replacen("[\"", "[[[", 1));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("mermaid does not accept it"), "{text}");
}
