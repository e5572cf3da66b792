//! Splitting a YAML stream into documents, keeping the line each starts at, so that an error
//! inside a document is reported at its line in the file.

/// One document of a YAML stream.
pub(super) struct Document {
    /// The document's place in the stream, from 1 (documents holding nothing are counted).
    pub(super) index: usize,
    /// The line of the file (from 1) the document's first line is on.
    pub(super) first_line: usize,
    /// The document's text.
    pub(super) text: String,
}

impl Document {
    /// The line of the file for `line` (from 1) of the document.
    pub(super) fn file_line(&self, line: u64) -> usize {
        self.first_line + usize::try_from(line.max(1)).unwrap_or(usize::MAX / 2) - 1
    }

    /// Whether the document holds nothing but comments and blank lines.
    pub(super) fn is_empty(&self) -> bool {
        self.text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#') || l == "..."
        })
    }
}

/// The documents of `yaml`, split at `---` lines (a `---` line may carry a comment).
pub(super) fn split(yaml: &str) -> Vec<Document> {
    let mut documents = Vec::new();
    let mut current = Document { index: 1, first_line: 1, text: String::new() };
    for (n, line) in yaml.lines().enumerate() {
        let marker = line.strip_prefix("---").is_some_and(|rest| rest.trim().is_empty() || rest.starts_with(" #"));
        if marker {
            let next = Document { index: current.index + 1, first_line: n + 2, text: String::new() };
            documents.push(std::mem::replace(&mut current, next));
        } else {
            current.text.push_str(line);
            current.text.push('\n');
        }
    }
    documents.push(current);
    documents
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn documents_keep_their_first_line() {
        let docs = split("# header\n---\na: 1\n--- # second\nb: 2\nc: 3\n");
        let seen: Vec<_> = docs.iter().map(|d| (d.index, d.first_line, d.text.as_str(), d.is_empty())).collect();
        assert_eq!(seen, [(1, 1, "# header\n", true), (2, 3, "a: 1\n", false), (3, 5, "b: 2\nc: 3\n", false)]);
        assert_eq!(docs[2].file_line(2), 6);
    }
}
