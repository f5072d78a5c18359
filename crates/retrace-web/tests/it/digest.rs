//! The e-mail digest (issues 14 and 15): the preference page, and digests
//! sent through the real SMTP code (`retrace_app::mail::SmtpMailer`) to a
//! local SMTP sink written here, with the rights of the member at send
//! time and no personal data in the mail.

use crate::harness::TestApp;
use crate::tracing::{open_request, orgs, register_safe};
use axum::http::StatusCode;
use retrace_app::digest::{DigestRun, send_due_digests};
use retrace_app::mail::SmtpMailer;
use retrace_domain::{MemberRole, NetworkName, OrgId, Text};
use retrace_store::{AuditContext, NetworkManager, OrgScope};
use retrace_web::digest_mail::DigestMailComposer;
use retrace_web::{AppState, SecretKey, WebConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// One message the sink received.
#[derive(Debug, Clone)]
struct Received {
    recipients: Vec<String>,
    data: String,
}

/// A local SMTP server speaking just enough of the protocol (220, EHLO,
/// MAIL, RCPT, DATA, QUIT) to accept and keep every message.
struct Sink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn converse(stream: tokio::net::TcpStream, received: Arc<Mutex<Vec<Received>>>) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader);
    let _ = writer.write_all(b"220 sink.test ESMTP\r\n").await;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            b"250 2.1.0 ok\r\n"
        } else if command.starts_with("RCPT TO") {
            let to = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
            recipients.push(to);
            b"250 2.1.5 ok\r\n"
        } else if command == "DATA" {
            let _ = writer.write_all(b"354 end with .\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            received.lock().unwrap().push(Received {
                recipients: recipients.clone(),
                data,
            });
            b"250 2.0.0 queued\r\n"
        } else if command == "QUIT" {
            let _ = writer.write_all(b"221 2.0.0 bye\r\n").await;
            return;
        } else {
            b"250 ok\r\n"
        };
        if writer.write_all(reply).await.is_err() {
            return;
        }
    }
}

async fn sink() -> Sink {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(converse(stream, kept.clone()));
        }
    });
    Sink {
        port,
        received,
        task,
    }
}

/// A port nothing listens on: the relay is down.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

fn mailer(port: u16) -> SmtpMailer {
    SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        None,
        "retrace <retrace@platform.example>",
    )
    .unwrap()
}

/// The use cases over the test's store and clock, as `retrace serve`'s
/// digest task has them.
fn state_of(app: &TestApp) -> AppState {
    AppState::new(
        app.store.clone(),
        app.clock.clone(),
        WebConfig::new(SecretKey::from_bytes([7; 32])),
    )
}

async fn run(app: &TestApp, port: u16) -> DigestRun {
    let state = state_of(app);
    let composer = DigestMailComposer::new("https://retrace.example.org/");
    send_due_digests(&state.app, &mailer(port), &composer)
        .await
        .unwrap()
}

/// A MIME body part decoded (quoted-printable or base64, as lettre chose).
fn decode_part(headers: &str, body: &str) -> String {
    let lower = headers.to_ascii_lowercase();
    if lower.contains("content-transfer-encoding: base64") {
        let clean: Vec<u8> = body.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let mut out = Vec::new();
        let mut buffer = 0_u32;
        let mut bits = 0;
        for byte in clean {
            let value = match byte {
                b'A'..=b'Z' => byte - b'A',
                b'a'..=b'z' => byte - b'a' + 26,
                b'0'..=b'9' => byte - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => continue,
            };
            buffer = (buffer << 6) | u32::from(value);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push(((buffer >> bits) & 0xff) as u8);
            }
        }
        String::from_utf8(out).unwrap()
    } else if lower.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                if let Ok(value) = u8::from_str_radix(hex, 16) {
                    out.push(value);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8(out).unwrap()
    } else {
        body.to_owned()
    }
}

/// The message's headers and its decoded parts, joined.
fn readable(data: &str) -> (String, String) {
    let (headers, body) = data.split_once("\r\n\r\n").unwrap();
    let mut decoded = String::new();
    for part in body.split("\r\n--") {
        if let Some((part_headers, part_body)) = part.split_once("\r\n\r\n") {
            decoded.push_str(&decode_part(part_headers, part_body));
            decoded.push('\n');
        }
    }
    (headers.to_owned(), decoded)
}

/// Belgium and France with a candidate each to review, Belgium in a network
/// with Italy, which posts on a route its caseworker follows.
async fn world(app: &TestApp) -> (OrgId, String) {
    let story = orgs(app).await;
    let italy = app.org("Italian Red Cross", "IT").await;
    app.member("case@it.example", italy, "caseworker").await;
    let network = app
        .store
        .create_network(
            &AuditContext::system(app.now(), "test"),
            &NetworkName::parse("Mediterranean migration network").unwrap(),
            &Text::parse("description", "Along the routes", 4000, true).unwrap(),
            &[
                (italy, MemberRole::Coordinator),
                (story.belgium, MemberRole::Member),
            ],
        )
        .await
        .unwrap();
    (story.belgium, network.id.to_string())
}

/// The operator adds Belgium to the network (`Some`) or removes it.
async fn set_membership(
    app: &TestApp,
    network: retrace_domain::NetworkId,
    org: OrgId,
    role: Option<MemberRole>,
) {
    app.store
        .set_network_member(
            &AuditContext::system(app.now(), "test"),
            NetworkManager::Operator,
            network,
            org,
            role,
        )
        .await
        .unwrap();
}

async fn user_id(app: &TestApp, email: &str) -> retrace_domain::UserId {
    app.store
        .user_by_email(&retrace_domain::Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Italy writes a route-change post; its path.
async fn italy_posts(app: &TestApp, network: &str, title: &str) -> String {
    // A fresh session: the clock may have moved past the last one's life.
    let it = app.signed_in("case@it.example").await;
    let posted = it
        .post(
            &format!("/networks/{network}/posts"),
            &[
                ("kind", "route_change"),
                ("title", title),
                ("body", "Boats now leave from elsewhere."),
                ("countries", "LY, IT"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let post = posted.location().unwrap().to_owned();
    assert!(post.starts_with("/network-posts/"), "{post}");
    post
}

async fn choose(
    app: &TestApp,
    browser: &crate::harness::Client<'_>,
    frequency: &str,
    language: &str,
) {
    let saved = browser
        .post(
            "/account/digest",
            &[
                ("digest_frequency", frequency),
                ("digest_language", language),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("id=\"digest-saved\""), "{}", saved.body);
    // What happens from the next moment on is new.
    app.clock.advance(Duration::from_secs(1));
}

#[tokio::test]
async fn a_digest_reaches_the_sink_with_counts_and_titles_and_no_personal_data() {
    let app = TestApp::new().await;
    let (_, network) = world(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let sink = sink().await;

    // Off by default: nothing is due, nothing sent.
    assert_eq!(run(&app, sink.port).await, DigestRun::default());

    choose(&app, &be, "daily", "en").await;
    choose(&app, &fr, "weekly", "fr").await;
    let followed = be
        .post("/networks/follows", &[("kind", "route_change")])
        .await;
    assert_eq!(followed.status, StatusCode::SEE_OTHER, "{}", followed.body);

    let (request, _) = open_request(&be).await;
    let reference = be
        .get(&format!("/requests/{request}"))
        .await
        .between("BE-", "<")
        .map(|r| format!("BE-{r}"))
        .expect("the request's reference");
    register_safe(&fr, &[]).await;
    let post = italy_posts(&app, &network, "Departures moved to Zuwara").await;

    // Not due yet.
    assert_eq!(run(&app, sink.port).await.sent, 0);
    assert!(sink.received.lock().unwrap().is_empty());

    // A day later Belgium's daily digest goes; France's weekly one waits.
    app.clock.advance(DAY);
    let done = run(&app, sink.port).await;
    assert_eq!((done.sent, done.failed.len()), (1, 0), "{done:?}");
    let received = sink.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].recipients, vec!["case@be.example".to_owned()]);
    let (headers, body) = readable(&received[0].data);
    assert!(
        headers.contains("Subject: retrace: what is new for you"),
        "{headers}"
    );
    assert!(headers.contains("Content-Language: en"), "{headers}");
    assert!(headers.contains("To: case@be.example"), "{headers}");
    assert!(body.contains("Candidates to review: 1 (1 new)"), "{body}");
    assert!(
        body.contains("https://retrace.example.org/notifications"),
        "{body}"
    );
    assert!(body.contains("Departures moved to Zuwara"), "{body}");
    assert!(
        body.contains(&format!("https://retrace.example.org{post}")),
        "{body}"
    );
    assert!(body.contains("<html lang=\"en\" dir=\"ltr\">"), "{body}");
    assert!(
        body.contains("https://retrace.example.org/account/digest"),
        "{body}"
    );
    // No name of anyone, no reference, no place, no contact.
    for personal in [
        "Ahmad",
        "Omar",
        "Khaled",
        "Al-Hassan",
        "عمر",
        "Evros",
        "Lyon",
        "+32 470",
        reference.as_str(),
        "Test case@",
    ] {
        assert!(
            !received[0].data.contains(personal),
            "{personal} in the mail"
        );
        assert!(!body.contains(personal), "{personal} in the decoded mail");
    }

    // Nothing new the next day: nothing sent.
    app.clock.advance(DAY);
    let quiet = run(&app, sink.port).await;
    assert_eq!((quiet.sent, quiet.not_needed), (0, 1), "{quiet:?}");
    assert_eq!(sink.received.lock().unwrap().len(), 1);

    // France's weekly digest, in French.
    app.clock.advance(DAY * 5);
    let weekly = run(&app, sink.port).await;
    assert_eq!(weekly.sent, 1, "{weekly:?}");
    let received = sink.received.lock().unwrap().clone();
    let (headers, body) = readable(&received[1].data);
    assert_eq!(received[1].recipients, vec!["case@fr.example".to_owned()]);
    assert!(headers.contains("Content-Language: fr"), "{headers}");
    assert!(body.contains("Candidats à examiner"), "{body}");
    assert!(body.contains("<html lang=\"fr\" dir=\"ltr\">"), "{body}");
    assert!(
        !body.contains("Departures moved to Zuwara"),
        "France follows nothing"
    );
    assert!(!body.contains("Omar") && !body.contains("عمر"), "{body}");
}

#[tokio::test]
async fn arabic_digests_read_right_to_left() {
    let app = TestApp::new().await;
    world(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    choose(&app, &be, "daily", "ar").await;
    open_request(&be).await;
    register_safe(&fr, &[]).await;
    let sink = sink().await;
    app.clock.advance(DAY);
    assert_eq!(run(&app, sink.port).await.sent, 1);
    let received = sink.received.lock().unwrap().clone();
    let (headers, body) = readable(&received[0].data);
    assert!(headers.contains("Content-Language: ar"), "{headers}");
    assert!(body.contains("<html lang=\"ar\" dir=\"rtl\">"), "{body}");
    assert!(body.contains("إليك ما ينتظرك"), "{body}");
    assert!(!body.contains("عمر"), "{body}");
}

#[tokio::test]
async fn withdrawn_rights_are_not_in_the_next_digest() {
    let app = TestApp::new().await;
    let (belgium, network) = world(&app).await;
    let be = app.signed_in("case@be.example").await;
    let viewer = app.signed_in("viewer@be.example").await;
    choose(&app, &be, "daily", "en").await;
    choose(&app, &viewer, "daily", "en").await;
    for browser in [&be, &viewer] {
        let followed = browser
            .post("/networks/follows", &[("kind", "route_change")])
            .await;
        assert_eq!(followed.status, StatusCode::SEE_OTHER);
    }
    let sink = sink().await;

    // Belgium leaves the network, then Italy posts: nobody in Belgium is
    // told of it.
    let network_id = network.parse().unwrap();
    set_membership(&app, network_id, belgium, None).await;
    app.clock.advance(Duration::from_secs(1));
    italy_posts(&app, &network, "Departures moved to Zuwara").await;
    app.clock.advance(DAY);
    let done = run(&app, sink.port).await;
    assert_eq!((done.sent, done.not_needed), (0, 2), "{done:?}");

    // Back in the network, a new post is told to the caseworker, while the
    // viewer's account was disabled in between: the viewer gets nothing.
    set_membership(&app, network_id, belgium, Some(MemberRole::Member)).await;
    let viewer_id = user_id(&app, "viewer@be.example").await;
    app.store
        .set_disabled(
            &AuditContext::system(app.now(), "test"),
            &OrgScope::new(belgium),
            viewer_id,
            true,
        )
        .await
        .unwrap();
    app.clock.advance(Duration::from_secs(1));
    italy_posts(&app, &network, "Crossings resumed at Lampedusa").await;
    app.clock.advance(DAY);
    let done = run(&app, sink.port).await;
    assert_eq!((done.sent, done.not_needed), (1, 1), "{done:?}");
    let received = sink.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].recipients, vec!["case@be.example".to_owned()]);
    let (_, body) = readable(&received[0].data);
    assert!(body.contains("Crossings resumed at Lampedusa"), "{body}");
    assert!(
        !body.contains("Zuwara"),
        "posted while Belgium was out: {body}"
    );
}

#[tokio::test]
async fn a_relay_that_is_down_is_a_recorded_failure_tried_again_later() {
    let app = TestApp::new().await;
    world(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    choose(&app, &be, "daily", "en").await;
    open_request(&be).await;
    register_safe(&fr, &[]).await;
    app.clock.advance(DAY);

    let down = closed_port().await;
    let failed = run(&app, down).await;
    assert_eq!(failed.sent, 0);
    assert_eq!(failed.failed.len(), 1, "{failed:?}");
    let shown = format!("{:?} {}", failed.failed, failed.failed[0].1);
    assert!(!shown.contains("case@be.example"), "{shown}");
    // The page says so, and the server goes on serving.
    let be = app.signed_in("case@be.example").await;
    let page = be.get("/account/digest").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("The last attempt failed"),
        "{}",
        page.body
    );

    // Not tried again at once; after the backoff, through a working relay,
    // it goes with what was new before the failure.
    let sink = sink().await;
    assert_eq!(run(&app, sink.port).await, DigestRun::default());
    app.clock.advance(Duration::from_secs(5 * 60));
    let retried = run(&app, sink.port).await;
    assert_eq!(retried.sent, 1, "{retried:?}");
    let received = sink.received.lock().unwrap().clone();
    let (_, body) = readable(&received[0].data);
    assert!(body.contains("Candidates to review: 1 (1 new)"), "{body}");
    let page = be.get("/account/digest").await;
    assert!(page.body.contains("Last sent:"), "{}", page.body);
    assert!(
        !page.body.contains("The last attempt failed"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_preference_page_keeps_choices_and_refuses_what_is_not_offered() {
    let app = TestApp::new().await;
    let (belgium, _) = world(&app).await;
    app.account(
        "operator@platform.example",
        retrace_store::Membership::Operator,
    )
    .await;

    // Anonymous: to the sign-in page, for both methods.
    let anonymous = app.client();
    anonymous
        .get("/account/digest")
        .await
        .assert_redirect_to_sign_in();
    let posted = anonymous
        .post_raw("/account/digest", &[("digest_frequency", "daily")])
        .await;
    assert_ne!(posted.status, StatusCode::OK);

    // An operator has no work queue and no digest.
    let operator = app.signed_in("operator@platform.example").await;
    assert_eq!(
        operator.get("/account/digest").await.status,
        StatusCode::FORBIDDEN
    );

    // Off by default, in the page's language, the account's own address.
    let be = app.signed_in("case@be.example").await;
    let page = be.get("/account/digest").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"off\" checked"), "{}", page.body);
    assert!(page.body.contains("case@be.example"));
    assert!(
        page.body.contains("id=\"digest-not-enabled\""),
        "this server has no relay: {}",
        page.body
    );
    let account = be.get("/account").await;
    assert!(
        account.body.contains("You receive no e-mail digest."),
        "{}",
        account.body
    );

    // Every error at once, translated, the fields marked.
    be.set_cookie("retrace_lang", "fr");
    let refused = be
        .post(
            "/account/digest",
            &[("digest_frequency", "hourly"), ("digest_language", "de")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"form-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("href=\"#digest_frequency\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("href=\"#digest_language\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Fréquence"), "{}", refused.body);
    assert!(
        refused.body.contains("Langue du résumé"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("aria-invalid=\"true\""),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("digest_frequency:"),
        "no raw code: {}",
        refused.body
    );
    assert_eq!(
        app.store
            .digest_preference(user_id(&app, "case@be.example").await)
            .await
            .unwrap(),
        None,
        "nothing saved"
    );

    // A valid choice is kept, shown and audited.
    be.set_cookie("retrace_lang", "en");
    choose(&app, &be, "weekly", "es").await;
    let page = be.get("/account/digest").await;
    assert!(
        page.body.contains("value=\"weekly\" checked"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"es\" selected"), "{}", page.body);
    let account = be.get("/account").await;
    assert!(account.body.contains("You receive a weekly e-mail digest."));
    let entries = app
        .store
        .audit_entries(&OrgScope::new(belgium), 50, None)
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.record.action == "digest_preference_set")
    );

    // Turned off again.
    choose(&app, &be, "off", "es").await;
    let account = be.get("/account").await;
    assert!(account.body.contains("You receive no e-mail digest."));

    // A server with a relay does not say it is disabled.
    let enabled = TestApp::with_config(|config| config.digest_enabled = true).await;
    world(&enabled).await;
    let page = enabled
        .signed_in("case@be.example")
        .await
        .get("/account/digest")
        .await;
    assert!(
        !page.body.contains("id=\"digest-not-enabled\""),
        "{}",
        page.body
    );
}
