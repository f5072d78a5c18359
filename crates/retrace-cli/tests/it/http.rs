//! A `retrace serve` child process and a small HTTP/1.1 client for it
//! (one connection per request, cookies and the CSRF token kept), for the
//! tests that run the real binary as a server.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A running `retrace serve`, killed when dropped.
pub struct Server {
    pub port: u16,
    child: Child,
}

/// A port free on loopback now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

impl Server {
    /// Starts the server in `dir` (its data directory: secret key, media)
    /// on `database_url` and waits until it answers `/healthz`.
    pub async fn start(dir: &Path, database_url: &str) -> Self {
        Self::start_with(dir, database_url, &[]).await
    }

    /// [`Server::start`] with more `RETRACE_*` settings in `env`.
    pub async fn start_with(dir: &Path, database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_retrace"))
            .current_dir(dir)
            .env_remove("RETRACE_CONFIG")
            .env_remove("RETRACE_LISTEN")
            .env("RETRACE_DATABASE_URL", database_url)
            .env("RETRACE_FIELD_KEYS", crate::TEST_FIELD_KEYS)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .args(["serve", "--listen", &listen])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut server = Self { port, child };
        server.wait_ready().await;
        server
    }

    pub async fn wait_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("retrace serve exited early: {status}");
            }
            // Ready once the candidate lists the last run left undone are
            // recomputed too (in the background after listening): the
            // tests check candidates right after a restart.
            if let Ok(response) = Client::new(self.port).try_get("/healthz").await
                && response.status == 200
                && response.body.contains("\"candidates\":\"ok\"")
            {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "retrace serve did not answer within a minute"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the process at once (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The text between `start` and the next `end` after it.
    pub fn between(&self, start: &str, end: &str) -> Option<String> {
        let from = self.body.find(start)? + start.len();
        let to = self.body[from..].find(end)? + from;
        Some(self.body[from..to].to_owned())
    }
}

pub struct Client {
    port: u16,
    cookies: Mutex<BTreeMap<String, String>>,
    csrf: Mutex<Option<String>>,
    bearer: Option<String>,
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| {
            format!(
                "{}={}",
                retrace_app::percent_encode(key, b""),
                retrace_app::percent_encode(value, b"")
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        let end = (start + size).min(body.len());
        out.extend_from_slice(&body[start..end]);
        body = body.get(end + 2..).unwrap_or_default();
    }
}

impl Client {
    pub fn new(port: u16) -> Self {
        Self {
            port,
            cookies: Mutex::new(BTreeMap::new()),
            csrf: Mutex::new(None),
            bearer: None,
        }
    }

    pub fn with_bearer(port: u16, token: &str) -> Self {
        Self {
            bearer: Some(token.to_owned()),
            ..Self::new(port)
        }
    }

    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Length: {}\r\n",
            self.port,
            body.len()
        );
        if let Some(content_type) = content_type {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        if let Some(token) = &self.bearer {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        let cookies = self.cookies.lock().unwrap().clone();
        if !cookies.is_empty() {
            let line: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            head.push_str(&format!("Cookie: {}\r\n", line.join("; ")));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut raw = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
            .await
            .map_err(|_| std::io::Error::other("no answer within 30 s"))??;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| std::io::Error::other("no end of headers"))?;
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| std::io::Error::other("no status"))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        }) {
            body = dechunk(&body);
        }
        {
            let mut jar = self.cookies.lock().unwrap();
            for (_, value) in headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            {
                let pair = value.split(';').next().unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    if value.is_empty() {
                        jar.remove(name);
                    } else {
                        jar.insert(name.to_owned(), value.to_owned());
                    }
                }
            }
        }
        let response = Response {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        if let Some(token) = response.between("name=\"csrf_token\" value=\"", "\"") {
            *self.csrf.lock().unwrap() = Some(token);
        }
        Ok(response)
    }

    pub async fn try_get(&self, path: &str) -> std::io::Result<Response> {
        self.try_send("GET", path, None, b"").await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.try_get(path).await.unwrap()
    }

    pub async fn post_json(&self, path: &str, json: &str) -> Response {
        self.try_send("POST", path, Some("application/json"), json.as_bytes())
            .await
            .unwrap()
    }

    /// Posts a form with the CSRF token of the last page read (reads the
    /// home page first when there is none).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.csrf.lock().unwrap().is_none() {
            self.get("/").await;
        }
        let token = self.csrf.lock().unwrap().clone().unwrap_or_default();
        let mut all = fields.to_vec();
        all.push(("csrf_token", token.as_str()));
        let body = form_encode(&all);
        self.try_send(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
        .await
        .unwrap()
    }

    /// Signs in; returns the status (303 when signed in).
    pub async fn try_sign_in(&self, email: &str, password: &str) -> u16 {
        let page = self.get("/sign-in").await;
        assert_eq!(page.status, 200, "{}", page.body);
        self.post_form("/sign-in", &[("email", email), ("password", password)])
            .await
            .status
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        assert_eq!(self.try_sign_in(email, password).await, 303);
        // A new session: the next form needs the session's token.
        *self.csrf.lock().unwrap() = None;
    }

    /// A new API token with the read and write scopes.
    pub async fn api_token(&self) -> String {
        self.get("/account").await;
        let response = self
            .post_form(
                "/account/api-tokens",
                &[
                    ("name", "test"),
                    ("expires_in_days", "1"),
                    ("scopes", "read"),
                    ("scopes", "write"),
                ],
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.body);
        response
            .between("id=\"new-token\">", "</code>")
            .expect("the new token is shown once")
    }
}
