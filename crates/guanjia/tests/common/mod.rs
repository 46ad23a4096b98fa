//! The real binary on a real database: a fresh SQLite file or PostgreSQL database per test, and
//! `guanjia serve` started on a free port.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use guanjia_storage::test_database::fresh_postgres_database;
use serde_json::{Value, json};

pub fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_guanjia"))
}

/// A fresh database URL for this test run. PostgreSQL tests are ignored unless asked for, and
/// then fail without a server rather than pass without running.
pub async fn database(postgres: bool, name: &str) -> String {
    if postgres {
        return fresh_postgres_database(&format!("gj_bin_{name}")).await;
    }
    let folder = std::env::temp_dir().join(format!("guanjia-bin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    format!("sqlite://{}/guanjia.db", folder.display())
}

/// A running `guanjia serve`; killed when dropped, so a failing test leaves no server behind.
pub struct Running {
    child: Child,
    pub base: String,
}

impl Running {
    /// Ends the server with SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs.
    pub fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `guanjia serve [--demo]` on port 0 and waits for its `listening on` line.
pub fn serve(url: &str, demo: bool) -> Running {
    let mut command = binary();
    command
        .arg("serve")
        .env("GUANJIA_DATABASE_URL", url)
        .env("GUANJIA_LISTEN", "127.0.0.1:0")
        .env("GUANJIA_LOG", "info");
    if demo {
        command.arg("--demo");
    }
    let mut child = command
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start guanjia");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("guanjia exited before listening")
            .expect("read log");
        if let Some(at) = line.find("listening on http://") {
            break line[at + "listening on ".len()..].trim().to_owned();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Running { child, base }
}

pub async fn login(base: &str, username: &str, password: &str) -> String {
    let response: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login {username}: {response}"))
        .to_owned()
}

pub async fn get(base: &str, token: &str, path: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
