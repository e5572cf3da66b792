//! The `stackwright-deploy` binary as a person runs it: in a pseudo-terminal the test opens
//! itself (`script` from util-linux — CI's stdin is /dev/null), with test credentials against a
//! local endpoint. Its stdin, stdout and stderr are the terminal, so prompts ask, colours show
//! where the terminal supports them, and Ctrl-C (byte 0x03 typed on it) is SIGINT from the
//! terminal driver. Also: a listener that counts the connections made to it.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Only what the binary needs: `PATH`, a fresh `HOME`, the endpoint, test credentials, a
/// region, and no instance metadata (so nothing is read from the machine's AWS setup).
pub(crate) fn base_env(cmd: &mut Command, endpoint: &str) {
    let home = super::temp_dir("terminal-home");
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

/// A listener on 127.0.0.1 that counts the connections made to it (and answers none): the
/// endpoint of a run that must send no request at all.
pub(crate) fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (endpoint, count)
}

/// The binary running in a pseudo-terminal, and everything it has shown so far.
pub(crate) struct Terminal {
    pub(crate) child: Child,
    keyboard: ChildStdin,
    screen: Arc<Mutex<String>>,
}

impl Terminal {
    /// Runs the binary with `args` in a terminal of type `term` (`dumb`: no colour; an xterm:
    /// colour), with `env` added to the base environment.
    pub(crate) fn run(endpoint: &str, args: &[&str], term: &str, env: &[(&str, &str)]) -> Terminal {
        let quote = |a: &str| format!("'{}'", a.replace('\'', r"'\''"));
        let command: Vec<String> =
            std::iter::once(env!("CARGO_BIN_EXE_stackwright-deploy")).chain(args.iter().copied()).map(quote).collect();
        let mut cmd = Command::new("script");
        base_env(&mut cmd, endpoint);
        cmd.args(["-qfec", &command.join(" "), "/dev/null"])
            .env("SHELL", "/bin/sh")
            .env("TERM", term)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("script (util-linux) runs the binary in a pseudo-terminal");
        let keyboard = child.stdin.take().unwrap();
        let screen = Arc::new(Mutex::new(String::new()));
        let (mut out, shown) = (child.stdout.take().unwrap(), screen.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    return;
                }
                shown.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Terminal { child, keyboard, screen }
    }

    /// Everything shown so far.
    pub(crate) fn screen(&self) -> String {
        self.screen.lock().unwrap().clone()
    }

    /// Waits until the screen shows `text`; fails if the binary ends first or `timeout` passes.
    pub(crate) fn wait_for(&mut self, text: &str, timeout: Duration) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(self.child.try_wait().unwrap().is_none(), "ended before showing {text:?}:\n{}", self.screen());
            assert!(start.elapsed() < timeout, "never showed {text:?}:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `text` and Enter.
    pub(crate) fn type_line(&mut self, text: &str) {
        self.keyboard.write_all(format!("{text}\r").as_bytes()).unwrap();
        self.keyboard.flush().unwrap();
    }

    /// Types Ctrl-C.
    pub(crate) fn press_ctrl_c(&mut self) {
        self.keyboard.write_all(&[3]).unwrap();
        self.keyboard.flush().unwrap();
    }

    /// Waits at most `timeout` for the end: the exit code and how long it took (the binary is
    /// killed and the test fails after `timeout`, with `what` saying why that is wrong).
    pub(crate) fn wait_exit(&mut self, timeout: Duration, what: &str) -> (Option<i32>, Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code(), start.elapsed());
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("still running after {timeout:?} ({what}):\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
