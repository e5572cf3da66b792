//! Doc comments from schema descriptions: the first paragraph, escaped so that rustdoc renders
//! it as the text the schema authors wrote.

use std::fmt::Write as _;

/// The first paragraph of a description, cut at a sentence end near 600 characters, escaped
/// so that rustdoc renders it as text: no code blocks, no intra-doc links, no HTML, no bare
/// URLs.
pub(crate) fn doc_text(raw: &str) -> Option<String> {
    let first =
        raw.split('\n').map(str::trim).find(|p| !p.is_empty())?.split_whitespace().collect::<Vec<_>>().join(" ");
    if first.is_empty() || first.eq_ignore_ascii_case("todo: add description") {
        return None;
    }
    let mut text = first;
    if text.chars().count() > 600 {
        let cut: String = text.chars().take(600).collect();
        text = match cut.rfind(". ") {
            Some(i) if i > 100 => cut[..=i].to_string(),
            _ => format!("{}…", cut.trim_end()),
        };
    }
    Some(escape_markdown(&text))
}

/// Escapes what rustdoc would read as markup: unbalanced backticks, brackets that are not
/// `[text](url)` links, `<` and `>`, and bare URLs (which become `<url>` autolinks).
fn escape_markdown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut code: Option<usize> = None;
    // Unbalanced backticks would swallow the rest: escape them all when the runs do not pair.
    let balanced = backtick_runs_balanced(&chars);
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            if !balanced {
                for _ in 0..run {
                    out.push_str("\\`");
                }
            } else {
                match code {
                    None => code = Some(run),
                    Some(n) if n == run => code = None,
                    Some(_) => {}
                }
                out.extend(std::iter::repeat_n('`', run));
            }
            i += run;
            continue;
        }
        if code.is_some() {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                // Keep `[text](http...)` links, escape other brackets.
                if let Some(len) = markdown_link_len(&chars[i..]) {
                    let link: String = chars[i..i + len].iter().collect();
                    out.push_str(&link);
                    i += len;
                    continue;
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            'h' if starts_with_url(&chars[i..]) => {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '"' | '\'' | '<' | '>'))
                    .count();
                let mut url: String = chars[i..i + len].iter().collect();
                let trailing: String = {
                    let trimmed = url.trim_end_matches(['.', ',', ';', ':']).len();
                    let t = url[trimmed..].to_string();
                    url.truncate(trimmed);
                    t
                };
                let _ = write!(out, "<{url}>{trailing}");
                i += len;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether the backtick runs pair up (a run opens code, the next run of the same length closes
/// it), so that code spans can be kept as they are.
fn backtick_runs_balanced(chars: &[char]) -> bool {
    let mut i = 0;
    let mut open: Option<usize> = None;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            match open {
                None => open = Some(run),
                Some(n) if n == run => open = None,
                Some(_) => {}
            }
            i += run;
        } else {
            i += 1;
        }
    }
    open.is_none()
}

/// Whether `chars` starts with an `http://` or `https://` URL.
fn starts_with_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("https://") || s.starts_with("http://")
}

/// The length of a `[text](http...)` link at the start of `chars`, if there is one.
fn markdown_link_len(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|c| *c == ']')?;
    if chars[1..close].iter().any(|c| matches!(c, '[' | '`')) {
        return None;
    }
    if chars.get(close + 1) != Some(&'(') || !starts_with_url(&chars[close + 2..]) {
        return None;
    }
    let end = chars[close + 2..].iter().position(|c| *c == ')' || c.is_whitespace())?;
    (chars[close + 2 + end] == ')').then_some(close + 2 + end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_are_escaped() {
        assert_eq!(
            doc_text("See [Tags](https://x.example/t) and [note], `a<b>` <b> https://y.example/z.\nMore.").unwrap(),
            "See [Tags](https://x.example/t) and \\[note\\], `a<b>` &lt;b&gt; <https://y.example/z>."
        );
        assert_eq!(doc_text("  \n   indented code\n").unwrap(), "indented code");
        assert_eq!(doc_text("Todo: add description"), None);
        assert_eq!(doc_text("An unpaired ` backtick and `code`").unwrap(), "An unpaired \\` backtick and \\`code\\`");
    }
}
