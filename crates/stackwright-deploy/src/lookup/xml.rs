//! The EC2 query API's answers as a small element tree, read with `xmlparser` (already compiled
//! for the SDK's XML protocols, so it adds nothing to the build).

use std::borrow::Cow;

/// One element: its local name, its text (direct character data, unescaped) and children.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child named `name`; empty when there is none.
    pub(crate) fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.as_str())
    }

    /// The `item`s of the list child `name` (`<vpcSet><item>…</item></vpcSet>`).
    pub(crate) fn items(&self, name: &str) -> impl Iterator<Item = &Element> {
        self.child(name).into_iter().flat_map(|set| set.children.iter().filter(|c| c.name == "item"))
    }

    /// The element's `tagSet` as key → value pairs.
    pub(crate) fn tags(&self) -> std::collections::BTreeMap<String, String> {
        self.items("tagSet").map(|t| (t.text_of("key").to_string(), t.text_of("value").to_string())).collect()
    }
}

/// The document's root element.
///
/// # Errors
/// What the tokenizer reported, or a document without a root or with unbalanced tags.
pub(crate) fn parse(text: &str) -> Result<Element, String> {
    use xmlparser::{ElementEnd, Token};
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    for token in xmlparser::Tokenizer::from(text) {
        match token.map_err(|e| e.to_string())? {
            Token::ElementStart { local, .. } => {
                stack.push(Element { name: local.as_str().to_string(), ..Element::default() });
            }
            Token::ElementEnd { end: ElementEnd::Open, .. } | Token::Attribute { .. } => {}
            Token::ElementEnd { end: ElementEnd::Close(..) | ElementEnd::Empty, .. } => {
                let done = stack.pop().ok_or("a closing tag without an opening one")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Token::Text { text } | Token::Cdata { text, .. } => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&unescape(text.as_str()));
                }
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element".into());
    }
    root.ok_or_else(|| "the document has no element".into())
}

/// Replaces the five predefined entities and character references.
fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find(';') else {
            out.push_str(&rest[at..]);
            return Cow::Owned(out);
        };
        let entity = &rest[at + 1..at + end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&rest[at..=at + end]),
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_tags_and_entities_read_as_ec2_writes_them() {
        // The shape of DescribeVpcs' answer in the EC2 API reference.
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
  <vpcSet>
    <item>
      <vpcId>vpc-1a2b3c4d</vpcId>
      <cidrBlock>10.0.0.0/16</cidrBlock>
      <tagSet><item><key>Name</key><value>a &amp; b &#x41;&#66;</value></item></tagSet>
      <isDefault/>
    </item>
  </vpcSet>
</DescribeVpcsResponse>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "DescribeVpcsResponse");
        let vpcs: Vec<&Element> = root.items("vpcSet").collect();
        assert_eq!(vpcs.len(), 1);
        assert_eq!(vpcs[0].text_of("vpcId"), "vpc-1a2b3c4d");
        assert_eq!(vpcs[0].tags()["Name"], "a & b AB");
        assert_eq!(vpcs[0].text_of("isDefault"), "");
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
    }
}
