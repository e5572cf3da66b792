//! What the user sees while the runtime works: one spinner per stack above a scrolling log of
//! events on a terminal, plain lines otherwise (CI logs, pipes, `NO_COLOR`, `--plain`), or
//! nothing but the captured lines (tests). Everything goes to stderr; stdout is kept for the
//! diff and `--json` output.
//!
//! Lines may carry the styles of [`style`]; they are stripped wherever colour is not wanted
//! (and always from the captured lines), so plain output has no escape code and no `\r`.

pub mod style;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// Spinners and colour on a terminal (see [`style`] for the policy), plain lines otherwise.
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
    styled: bool,
    /// A prompt is on the screen: the spinners are hidden and lines go straight to stderr.
    paused: AtomicBool,
    bars: Mutex<HashMap<String, ProgressBar>>,
    lines: Mutex<Vec<String>>,
}

impl Progress {
    /// A display in `mode`; `Auto` shows spinners and colour only on a terminal, outside CI
    /// and without `NO_COLOR`.
    #[must_use]
    pub fn new(mode: ProgressMode) -> Progress {
        let fancy = mode == ProgressMode::Auto && style::stderr_styled();
        Progress {
            multi: fancy.then(MultiProgress::new),
            print: mode != ProgressMode::Capture,
            styled: fancy,
            paused: AtomicBool::new(false),
            bars: Mutex::new(HashMap::new()),
            lines: Mutex::new(Vec::new()),
        }
    }

    /// Whether lines are shown with their styles (what producers of styled text may ask to
    /// save work; styles are stripped anyway where they are not wanted).
    #[must_use]
    pub fn styled(&self) -> bool {
        self.styled
    }

    /// Prints a line (above the spinners on a terminal), with its styles only where colour is
    /// wanted.
    pub fn line(&self, text: impl AsRef<str>) {
        let text = text.as_ref();
        let plain = anstream::adapter::strip_str(text).to_string();
        if let Ok(mut lines) = self.lines.lock() {
            lines.extend(plain.lines().map(str::to_string));
        }
        if !self.print {
            return;
        }
        let shown = if self.styled { text } else { plain.as_str() };
        match &self.multi {
            Some(m) if !self.paused.load(Ordering::SeqCst) => {
                let _ = m.println(shown);
            }
            _ => eprintln!("{shown}"),
        }
    }

    /// Shows the current status of a stack or cluster (a spinner on a terminal; nothing else).
    pub fn status(&self, key: &str, status: impl Into<String>) {
        let Some(multi) = &self.multi else { return };
        let Ok(mut bars) = self.bars.lock() else { return };
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

    /// Ends a stack's spinner with a last message (a line of its own when there is no spinner).
    pub fn finish(&self, key: &str, message: impl Into<String>) {
        let message = message.into();
        let bar = self.bars.lock().ok().and_then(|mut b| b.remove(key));
        match bar {
            Some(bar) => bar.finish_with_message(message),
            None => self.line(format!("{key}: {message}")),
        }
    }

    /// Removes a stack's spinner without a trace (a preview is over, or it failed and the
    /// error says so); nothing when it has none.
    pub fn clear(&self, key: &str) {
        if let Some(bar) = self.bars.lock().ok().and_then(|mut b| b.remove(key)) {
            bar.finish_and_clear();
        }
    }

    /// Removes every spinner (the run is over, or interrupted): nothing is left on the screen
    /// but the lines printed.
    pub fn clear_all(&self) {
        let bars: Vec<ProgressBar> =
            self.bars.lock().map(|mut b| b.drain().map(|(_, bar)| bar).collect()).unwrap_or_default();
        for bar in bars {
            bar.finish_and_clear();
        }
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }

    /// Hides the spinners while a question is on the screen (so that the answer is typed
    /// after it and not redrawn over); lines printed meanwhile go straight to stderr.
    pub fn pause(&self) {
        if let Some(m) = &self.multi {
            self.paused.store(true, Ordering::SeqCst);
            let _ = m.clear();
            m.set_draw_target(ProgressDrawTarget::hidden());
        }
    }

    /// Shows the spinners again after [`Progress::pause`].
    pub fn resume(&self) {
        if let Some(m) = &self.multi {
            m.set_draw_target(ProgressDrawTarget::stderr());
            self.paused.store(false, Ordering::SeqCst);
        }
    }

    /// Prints a question without a line break, so that the answer is typed after it.
    pub fn ask(&self, question: &str) {
        let plain = anstream::adapter::strip_str(question).to_string();
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(plain.clone());
        }
        if self.print {
            eprint!("{}", if self.styled { question } else { plain.as_str() });
        }
    }

    /// Every line printed so far, without styles.
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
