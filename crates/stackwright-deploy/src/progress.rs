//! What the user sees while the runtime works: one spinner per stack above a scrolling log of
//! events on a terminal, plain lines otherwise (CI logs), or nothing but the captured lines
//! (tests). Everything goes to stderr; stdout is kept for `--json` output.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// Spinners on a terminal, plain lines otherwise.
    Auto,
    /// Plain lines on stderr.
    Plain,
    /// Only captured (see [`Progress::lines`]).
    Capture,
}

/// The progress display of one run; shared by all tasks.
#[derive(Debug)]
pub struct Progress {
    multi: Option<MultiProgress>,
    print: bool,
    bars: Mutex<HashMap<String, ProgressBar>>,
    lines: Mutex<Vec<String>>,
}

impl Progress {
    /// A display in `mode`; `Auto` shows spinners only on a terminal outside CI.
    #[must_use]
    pub fn new(mode: ProgressMode) -> Progress {
        let terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            multi: (mode == ProgressMode::Auto && terminal).then(MultiProgress::new),
            print: mode != ProgressMode::Capture,
            bars: Mutex::new(HashMap::new()),
            lines: Mutex::new(Vec::new()),
        }
    }

    /// Prints a line (above the spinners on a terminal).
    pub fn line(&self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if let Ok(mut lines) = self.lines.lock() {
            lines.extend(text.lines().map(str::to_string));
        }
        if !self.print {
            return;
        }
        match &self.multi {
            Some(m) => {
                let _ = m.println(text);
            }
            None => eprintln!("{text}"),
        }
    }

    /// Shows the current status of a stack or cluster (a spinner on a terminal; nothing else).
    pub fn status(&self, key: &str, status: impl Into<String>) {
        let Some(multi) = &self.multi else { return };
        let mut bars = match self.bars.lock() {
            Ok(b) => b,
            Err(_) => return,
        };
        let bar = bars.entry(key.to_string()).or_insert_with(|| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(key.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        bar.set_message(status.into());
    }

    /// Ends a stack's spinner with a last message.
    pub fn finish(&self, key: &str, message: impl Into<String>) {
        let message = message.into();
        let bar = self.bars.lock().ok().and_then(|mut b| b.remove(key));
        match bar {
            Some(bar) => bar.finish_with_message(message),
            None => self.line(format!("{key}: {message}")),
        }
    }

    /// Every line printed so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// One line typed on stdin (empty when stdin is closed or unreadable).
///
/// Read on a plain thread whose join nobody waits for: a blocking read cannot be cancelled,
/// and a Tokio runtime being dropped waits for its `spawn_blocking` tasks, so an interrupt at
/// the prompt would hang until Enter. Here the caller's future can be dropped (the interrupt
/// wins a `select!`) and the process ends with the thread still reading.
pub(crate) async fn read_answer() -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new().name("stdin-answer".into()).spawn(move || {
        let mut line = String::new();
        let _ = tx.send(std::io::stdin().read_line(&mut line).map(|_| line));
    });
    if spawned.is_err() {
        return String::new();
    }
    rx.await.ok().and_then(Result::ok).unwrap_or_default()
}
