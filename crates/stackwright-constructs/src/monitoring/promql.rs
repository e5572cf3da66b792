//! The metric names a PromQL expression reads, found by a small lexer rather than a parser:
//! enough to check that the alert rules and dashboards of a program read metrics something
//! exports, without pulling in a PromQL implementation. `promtool` checks the syntax of the
//! rules; this only needs to tell a metric name from a function, a keyword, a label or a
//! duration.

/// Keywords and operators that lex like identifiers but are not metric names (PromQL keywords
/// are case-insensitive).
const KEYWORDS: [&str; 14] = [
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "atan2",
    "inf",
    "nan",
];

/// The keywords followed by a parenthesised list of label names (not a function call).
const LABEL_LISTS: [&str; 6] = ["by", "without", "on", "ignoring", "group_left", "group_right"];

/// The metric names `expr` reads (each once, in order of appearance). Selectors without a
/// name (`{__name__=~"…"}`) read names this cannot know and add none.
pub(crate) fn metric_names(expr: &str) -> Vec<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            // A comment runs to the end of the line.
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' || c == '\'' || c == '`' {
            i = skip_string(&chars, i);
        } else if c == '{' {
            i = skip_until(&chars, i, '}');
        } else if c == '[' {
            i = skip_until(&chars, i, ']');
        } else if c.is_ascii_digit() || c == '.' {
            // Numbers and durations (`5m`, `1e3`, `0x1f`).
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == '_' || c == ':' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let lower = word.to_ascii_lowercase();
            let next = chars[i..].iter().position(|c| !c.is_whitespace()).map(|p| i + p);
            // A call, or an aggregation with its grouping first (`sum by (le) (…)`).
            let call = next.is_some_and(|n| chars[n] == '(' || grouping_follows(&chars, n));
            if LABEL_LISTS.contains(&lower.as_str()) {
                if let Some(n) = next.filter(|_| call) {
                    i = skip_until(&chars, n, ')');
                }
            } else if !call && !KEYWORDS.contains(&lower.as_str()) && !out.contains(&word) {
                out.push(word);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Whether `by` or `without` and a parenthesis start at `at`.
fn grouping_follows(chars: &[char], at: usize) -> bool {
    ["by", "without"].iter().any(|kw| {
        let end = at + kw.len();
        end <= chars.len()
            && chars[at..end].iter().collect::<String>().eq_ignore_ascii_case(kw)
            && chars[end..].iter().find(|c| !c.is_whitespace()) == Some(&'(')
    })
}

/// The index after the string literal opening at `start` (backslash escapes inside `"` and
/// `'`; none in backquoted raw strings).
fn skip_string(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() && chars[i] != quote {
        if chars[i] == '\\' && quote != '`' {
            i += 1;
        }
        i += 1;
    }
    i + 1
}

/// The index after the `close` that ends the bracket opening at `start`, skipping strings.
fn skip_until(chars: &[char], start: usize, close: char) -> usize {
    let mut i = start + 1;
    while i < chars.len() && chars[i] != close {
        if matches!(chars[i], '"' | '\'' | '`') {
            i = skip_string(chars, i);
        } else {
            i += 1;
        }
    }
    i + 1
}

#[cfg(test)]
mod tests {
    use super::metric_names;

    #[test]
    fn finds_metrics_not_functions_labels_keywords_or_durations() {
        let expr = r#"sum by (route, le) (rate(http_requests_total{status=~"5..", route!="a{b}"}[5m] offset 1h))
            / on (pod) group_left(node) kube_pod_info > bool 0.5 and absent(up{job="x"} == 1)"#;
        assert_eq!(metric_names(expr), ["http_requests_total", "kube_pod_info", "up"]);
        assert_eq!(metric_names("histogram_quantile(0.95, sum(rate(x_bucket[5m])) without (pod))"), ["x_bucket"]);
        assert_eq!(metric_names("job:requests:rate5m # a comment naming not_a_metric"), ["job:requests:rate5m"]);
        assert_eq!(metric_names(r#"label_replace(up, "dst", "$1", "src", "(.*)") + 1e3 + Inf"#), ["up"]);
        assert!(metric_names(r#"{__name__="up"}"#).is_empty());
    }
}
