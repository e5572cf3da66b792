//! The picture of the platform every assembly holds (`docs/diagram.md`): `diagram.svg` is
//! well-formed XML with a font family and text of at least 12 px, names what matters, and is
//! byte-identical across synths; `diagram.mmd` likewise. Snapshots of a small example's
//! picture (`snapshots/diagram/`) show any change of the drawing for review.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/prod.rs"]
mod prod;

#[allow(dead_code)]
#[path = "../examples/existing.rs"]
mod existing;

use stackwright::core::diagram::{MERMAID_FILE, SVG_FILE};

fn synth(build: fn() -> stackwright::Result<stackwright::prelude::App>) -> stackwright::core::Assembly {
    build().expect("the example is valid").synth().expect("it synthesizes")
}

/// Checks that `svg` is well-formed XML (every tag closed in order, one root, attributes
/// quoted) and returns the `(element, attribute, value)` triples and the text nodes.
fn parse_xml(svg: &str) -> (Vec<(String, String, String)>, Vec<String>) {
    let mut open: Vec<String> = Vec::new();
    let mut attributes = Vec::new();
    let mut texts = Vec::new();
    let mut roots = 0;
    let mut current = String::new();
    for token in xmlparser::Tokenizer::from(svg) {
        match token.unwrap_or_else(|e| panic!("diagram.svg is not XML: {e}")) {
            xmlparser::Token::ElementStart { local, .. } => {
                if open.is_empty() {
                    roots += 1;
                }
                current = local.to_string();
                open.push(current.clone());
            }
            xmlparser::Token::Attribute { local, value, .. } => {
                attributes.push((current.clone(), local.to_string(), value.to_string()));
            }
            xmlparser::Token::ElementEnd { end, .. } => match end {
                xmlparser::ElementEnd::Open => {}
                xmlparser::ElementEnd::Empty => {
                    open.pop();
                }
                xmlparser::ElementEnd::Close(_, name) => {
                    let top = open.pop().expect("a closing tag without an opening one");
                    assert_eq!(top, name.as_str(), "tags close in order");
                }
            },
            xmlparser::Token::Text { text } if !text.trim().is_empty() => texts.push(text.to_string()),
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements: {open:?}");
    assert_eq!(roots, 1, "one root element");
    (attributes, texts)
}

#[test]
fn the_reference_platforms_picture_is_an_svg_naming_the_vpc_the_cluster_and_the_flask_service() {
    let assembly = synth(prod::build);
    let svg = assembly.file(SVG_FILE).expect("the assembly holds diagram.svg");
    let (attributes, texts) = parse_xml(svg);
    let root: Vec<_> = attributes.iter().filter(|(e, _, _)| e == "svg").collect();
    assert!(root.iter().any(|(_, a, v)| a == "font-family" && v.starts_with("DejaVu Sans")), "{root:?}");
    let sizes: Vec<f64> = attributes
        .iter()
        .filter(|(_, a, _)| a == "font-size")
        .map(|(_, _, v)| v.parse().expect("font sizes are plain numbers (px)"))
        .collect();
    assert!(!sizes.is_empty() && sizes.iter().all(|s| *s >= 12.0), "text at least 12 px: {sizes:?}");
    for wanted in [
        "VPC Vpc",
        "EKS cluster Cluster",
        "Service flask-app/flask-app",
        "Deployment flask-app/flask-app",
        "ALB (Ingress flask-app/flask-app)",
        "node group General",
        "subnet PrivateSubnet2",
        "NAT gateway (PublicSubnet1)",
        "RDS database Db",
        "zone a",
        "zone b",
        "Internet",
    ] {
        assert!(texts.iter().any(|t| t == wanted), "diagram.svg names {wanted:?}: {texts:?}");
    }
    let mermaid = assembly.file(MERMAID_FILE).expect("the assembly holds diagram.mmd");
    assert!(mermaid.contains("flowchart TB"), "{mermaid}");
    assert!(mermaid.contains("internet --> "), "the request path starts at the Internet: {mermaid}");
    // the picture is not listed as a file to deploy
    assert!(!assembly.manifest.files.iter().any(|f| f.starts_with("diagram.")), "{:?}", assembly.manifest.files);
}

#[test]
fn two_synths_draw_byte_identical_pictures() {
    let (a, b) = (synth(prod::build), synth(prod::build));
    for file in [SVG_FILE, MERMAID_FILE] {
        assert_eq!(a.files.get(file), b.files.get(file), "{file} differs between two synths");
        assert!(a.files.get(file).is_some_and(|f| !f.is_empty()), "{file} is written");
    }
}

#[test]
fn referenced_clusters_and_vpcs_are_drawn_as_referenced() {
    let assembly = synth(existing::build);
    let mermaid = assembly.file(MERMAID_FILE).unwrap();
    assert!(mermaid.contains("EKS cluster SharedCluster (referenced)"), "{mermaid}");
    assert!(mermaid.contains("classDef referenced"), "{mermaid}");
    let svg = assembly.file(SVG_FILE).unwrap();
    assert!(svg.contains("(referenced)</text>") && svg.contains("stroke-dasharray"), "{svg}");
}

#[test]
fn the_small_examples_picture_is_as_reviewed() {
    let assembly = synth(existing::build);
    insta::with_settings!({
        snapshot_path => format!("{}/snapshots/diagram", env!("CARGO_MANIFEST_DIR")),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("existing.mmd", assembly.file(MERMAID_FILE).unwrap());
        insta::assert_snapshot!("existing.svg", assembly.file(SVG_FILE).unwrap());
    });
}

/// What the picture costs synth: 100 pictures of the reference platform from its assembly
/// (the model, the SVG and the Mermaid), timed; printed for the record (`--nocapture`), and
/// bounded loosely so that an accidental quadratic blow-up fails.
#[test]
fn drawing_the_reference_platform_is_cheap() {
    let assembly = synth(prod::build);
    let template = |s: &stackwright::core::assembly::StackEntry| {
        assembly.file(&s.template).and_then(|t| serde_json::from_str(t).ok())
    };
    let object = |_: &stackwright::core::assembly::ClusterEntry, _: &stackwright::core::assembly::ObjectEntry| None;
    let platform = stackwright::core::diagram::from_assembly(&assembly.manifest, template, object);
    let start = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..100 {
        let title = stackwright::core::diagram::title("flask-platform");
        bytes += stackwright::core::diagram::svg(&title, &platform).len();
        bytes += stackwright::core::diagram::mermaid(&title, &platform).len();
    }
    let each = start.elapsed() / 100;
    println!("diagram: {each:?} per picture (SVG + Mermaid) of the reference platform, {} bytes", bytes / 100);
    assert!(each < std::time::Duration::from_millis(20), "{each:?}");
}
