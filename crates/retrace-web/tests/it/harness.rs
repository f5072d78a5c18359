//! `TestApp`: the whole router over a fresh database per test, driven
//! in-process with a cookie jar, the CSRF token and a settable clock.
//!
//! The backend is SQLite unless `RETRACE_TEST_BACKEND=postgres`, in which
//! case `RETRACE_TEST_POSTGRES_URL` names the server (see
//! `scripts/test-postgres`).

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use retrace_domain::{
    Clock, CountryCode, DisplayName, Email, NewPassword, OrgId, OrgKind, OrgName, RoleSet,
    Timestamp, UserId,
};
use retrace_store::{AuditContext, Membership, NewOrganisation, NewUser, Store};
use retrace_web::{AppState, SecretKey, WebConfig};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery 42";

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn advance(&self, by: std::time::Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap();
        self.0.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.0.load(Ordering::SeqCst))
    }
}

pub struct TestApp {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub clock: Arc<TestClock>,
    next_ip: AtomicU32,
    /// Where this app stores gallery photos (a fresh directory per test).
    pub media_dir: std::path::PathBuf,
}

/// A unique name part for per-test directories.
fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// One hash for every test account: Argon2 is slow by design.
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        retrace_app::password::hash_password(&NewPassword::parse(PASSWORD).unwrap()).unwrap()
    })
    .clone()
}

pub async fn fresh_store() -> Arc<dyn Store> {
    match std::env::var("RETRACE_TEST_BACKEND").as_deref() {
        Ok("postgres") => {
            let store = retrace_store_postgres::test_support::open_fresh_for_tests_from_env()
                .await
                .unwrap()
                .expect("RETRACE_TEST_BACKEND=postgres needs RETRACE_TEST_POSTGRES_URL");
            Arc::new(store)
        }
        _ => Arc::new(retrace_store_sqlite::open_fresh_for_tests().await.unwrap()),
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(adjust: impl FnOnce(&mut WebConfig)) -> Self {
        let store = fresh_store().await;
        // 2026-06-01T00:00:00Z: a fixed start so TOTP codes are reproducible.
        let clock = Arc::new(TestClock(AtomicI64::new(1_780_272_000_000)));
        let mut config = WebConfig::new(SecretKey::from_bytes([7; 32]));
        config.secure_cookies = false;
        config.media_dir = std::env::temp_dir().join(format!("retrace-test-media-{}", uuid_like()));
        adjust(&mut config);
        let media_dir = config.media_dir.clone();
        let state = AppState::new(store.clone(), clock.clone(), config);
        state.load_matching().await.unwrap();
        Self {
            router: retrace_web::router(state),
            store,
            clock,
            next_ip: AtomicU32::new(1),
            media_dir,
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub async fn org(&self, name: &str, country: &str) -> OrgId {
        self.store
            .create_organisation(
                &AuditContext::system(self.now(), "test"),
                &NewOrganisation {
                    name: OrgName::parse(name).unwrap(),
                    kind: OrgKind::NationalSociety,
                    country: CountryCode::parse(country).unwrap(),
                },
            )
            .await
            .unwrap()
            .id
    }

    pub async fn account(&self, email: &str, membership: Membership) -> UserId {
        self.store
            .create_user(
                &AuditContext::system(self.now(), "test"),
                &NewUser {
                    email: Email::parse(email).unwrap(),
                    display_name: DisplayName::parse(&format!("Test {email}")).unwrap(),
                    membership,
                    password_hash: password_hash(),
                },
            )
            .await
            .unwrap()
            .id
    }

    pub async fn member(&self, email: &str, org: OrgId, roles: &str) -> UserId {
        let roles = RoleSet::parse_list(roles).unwrap();
        self.account(email, Membership::Member { org, roles }).await
    }

    /// A browser with its own cookie jar and its own client address.
    pub fn client(&self) -> Client<'_> {
        let n = self.next_ip.fetch_add(1, Ordering::SeqCst);
        let ip = std::net::Ipv4Addr::from(0x0a00_0000 | n);
        Client {
            app: self,
            cookies: Mutex::new(BTreeMap::new()),
            addr: SocketAddr::from((ip, 40000)),
            bearer: None,
        }
    }

    /// A client for the JSON API with a bearer token.
    pub fn api(&self, token: &str) -> Client<'_> {
        let mut client = self.client();
        client.bearer = Some(token.to_owned());
        client
    }

    /// Signs in through the pages and returns the browser. Accounts whose
    /// roles need a second factor enrol one on the way, as a person would.
    pub async fn signed_in(&self, email: &str) -> Client<'_> {
        let client = self.client();
        client.sign_in(email).await;
        client
    }
}

pub struct Client<'a> {
    app: &'a TestApp,
    cookies: Mutex<BTreeMap<String, String>>,
    pub addr: SocketAddr,
    bearer: Option<String>,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

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

    pub fn assert_redirect_to_sign_in(&self) {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{}", self.body);
        let location = self.location().unwrap_or_default();
        assert!(location.starts_with("/sign-in"), "redirected to {location}");
    }
}

impl Client<'_> {
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    /// Puts a cookie in this browser's jar, as an attacker who can plant
    /// one (a sibling subdomain, a network position) would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Method::GET, path, None, None).await
    }

    /// Posts a form with the CSRF token the page gave this browser.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.send(
            Method::POST,
            path,
            Some(("application/x-www-form-urlencoded", body)),
            None,
        )
        .await
    }

    pub async fn post_json(&self, path: &str, json: &str) -> TestResponse {
        self.send(
            Method::POST,
            path,
            Some(("application/json", json.to_owned())),
            None,
        )
        .await
    }

    /// Posts `multipart/form-data` with text fields and one file, with the
    /// CSRF token as the first part, as the upload forms put it.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> TestResponse {
        self.post_multipart_file(
            path,
            fields,
            file.map(|(name, bytes)| (name, "upload.bin", bytes)),
        )
        .await
    }

    /// Like `post_multipart`, naming the uploaded file.
    /// The CSRF token of the session, signing-in page visited if needed.
    async fn csrf_token(&self) -> String {
        match self.cookie("retrace_csrf") {
            Some(token) => token,
            None => {
                self.get("/sign-in").await;
                self.cookie("retrace_csrf").unwrap()
            }
        }
    }

    /// A multipart form whose body is streamed (for bodies too large to
    /// build in memory); `boundary` is the one the body uses.
    pub async fn post_multipart_stream(
        &self,
        path: &str,
        boundary: &str,
        body: Body,
    ) -> TestResponse {
        let token = self.csrf_token().await;
        let first = axum::body::Bytes::from(token_part(boundary, &token));
        let token_part = futures_util::stream::once(async move { Ok::<_, axum::Error>(first) });
        let body = Body::from_stream(futures_util::StreamExt::chain(
            token_part,
            body.into_data_stream(),
        ));
        self.send_body(
            Method::POST,
            path,
            Some((&format!("multipart/form-data; boundary={boundary}"), body)),
            None,
        )
        .await
    }

    pub async fn post_multipart_file(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> TestResponse {
        let token = self.csrf_token().await;
        let boundary = "retrace-test-boundary-7d3f";
        let mut body = token_part(boundary, &token).into_bytes();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, file_name, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send_bytes(
            Method::POST,
            path,
            Some((&format!("multipart/form-data; boundary={boundary}"), body)),
            None,
        )
        .await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, String)>,
        extra: Option<(&str, &str)>,
    ) -> TestResponse {
        self.send_bytes(
            method,
            path,
            body.map(|(content_type, text)| (content_type, text.into_bytes())),
            extra,
        )
        .await
    }

    /// The raw response bytes of a GET (images, PDF).
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut request = Request::builder().method(Method::GET).uri(path);
        let cookie_header = {
            let cookies = self.cookies.lock().unwrap();
            cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        if !cookie_header.is_empty() {
            request = request.header(header::COOKIE, cookie_header);
        }
        if let Some(token) = &self.bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let mut request = request.body(Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo(self.addr));
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes.to_vec())
    }

    pub async fn send_bytes(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        extra: Option<(&str, &str)>,
    ) -> TestResponse {
        let body = body.map(|(content_type, bytes)| (content_type, Body::from(bytes)));
        self.send_body(method, path, body, extra).await
    }

    pub async fn send_body(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, Body)>,
        extra: Option<(&str, &str)>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        let cookie_header = {
            let cookies = self.cookies.lock().unwrap();
            cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        if !cookie_header.is_empty() {
            request = request.header(header::COOKIE, cookie_header);
        }
        if let Some(token) = &self.bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some((name, value)) = extra {
            request = request.header(name, value);
        }
        let body = match body {
            Some((content_type, body)) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                body
            }
            None => Body::empty(),
        };
        let mut request = request.body(body).unwrap();
        request.extensions_mut().insert(ConnectInfo(self.addr));
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = text.contains("Max-Age=0");
            let mut cookies = self.cookies.lock().unwrap();
            if expired || value.is_empty() {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Password, then enrolment or the code, whatever the account needs.
    pub async fn sign_in(&self, email: &str) -> Option<String> {
        let response = self
            .post("/sign-in", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        match response.location() {
            Some("/account/second-factor") => Some(self.enrol().await),
            Some(_) => None,
            None => panic!("sign-in did not redirect"),
        }
    }

    /// Enrols a second factor from the account, for an account that does
    /// not need one; returns the secret.
    pub async fn enrol_voluntarily(&self, app: &TestApp) -> String {
        let page = self.get("/account/second-factor").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let secret = page.between("id=\"totp-secret\">", "</code>").unwrap();
        let sealed = page.between("name=\"sealed\" value=\"", "\"").unwrap();
        let code = retrace_web::totp_code(&secret, app.now()).unwrap();
        let done = self
            .post(
                "/account/second-factor",
                &[("sealed", sealed.as_str()), ("code", code.as_str())],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        secret
    }

    /// Enrols a TOTP second factor from the enrolment page; returns the secret.
    pub async fn enrol(&self) -> String {
        let page = self.get("/account/second-factor").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let secret = page
            .between("id=\"totp-secret\">", "</code>")
            .expect("the page shows the secret");
        let sealed = page
            .between("name=\"sealed\" value=\"", "\"")
            .expect("the page carries the sealed secret");
        let code = retrace_web::totp_code(&secret, self.app.now()).unwrap();
        let done = self
            .post(
                "/account/second-factor",
                &[("sealed", sealed.as_str()), ("code", code.as_str())],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        secret
    }
}

/// The ticked confirmation box of a destructive action's form.
pub const CONFIRM: &[(&str, &str)] = &[("confirm", "on")];

/// The text a reader extracts from a PDF, by poppler's `pdftotext` (the
/// Debian package poppler-utils, which `scripts/test-all` installs): the
/// PDF's own text layer, not the `/ActualText` markers alone. pdftotext
/// wraps each right-to-left segment in embedding controls (U+202B … U+202C);
/// they are dropped here, the letters stay in the order they are read.
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("pdftotext")
        .args(["-q", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext runs: install the Debian package poppler-utils");
    child
        .stdin
        .take()
        .expect("pdftotext's input")
        .write_all(pdf)
        .expect("the PDF goes to pdftotext");
    let output = child.wait_with_output().expect("pdftotext ends");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8(output.stdout)
        .expect("pdftotext writes UTF-8")
        .replace(
            ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}'],
            "",
        )
}

/// The multipart part carrying the CSRF token, which upload forms send first.
fn token_part(boundary: &str, token: &str) -> String {
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
    )
}
