//! Forms refused for their input come back on the same page (422) with
//! what was typed, every error in the summary (`#form-error`, which takes
//! the focus) and each field marked (`aria-invalid`, `aria-describedby`),
//! translated; actions that cannot succeed are not offered (ADR 0021).

use crate::gallery::published;
use crate::harness::{Client, TestApp, TestResponse};
use crate::tracing::{candidate_link, open_request, orgs, register_safe};
use axum::http::{Method, StatusCode};
use std::time::Duration;

/// English a French page must not show.
const ENGLISH: &[&str] = &[
    "is required",
    "characters at most",
    "at most",
    "choose one",
    "There are",
    "There is a problem",
    "tick the box",
];

fn assert_french(response: &TestResponse) {
    for english in ENGLISH {
        assert!(
            !response.body.contains(english),
            "English {english:?} on a French page: {}",
            response.body
        );
    }
    assert!(!response.body.contains(">422<"), "no status shown");
}

fn assert_contains(response: &TestResponse, expected: &[&str]) {
    for text in expected {
        assert!(response.body.contains(text), "{text}: {}", response.body);
    }
}

/// The control `name` is marked invalid and described by its message.
fn marked(name: &str) -> String {
    format!(r#"aria-invalid="true" aria-describedby="err-{name}""#)
}

#[tokio::test]
async fn a_refused_report_keeps_its_text_and_shows_every_error_in_french() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, _, _, reference) = published(&be).await;
    let visitor = app.client();
    visitor.set_cookie("retrace_lang", "fr");
    let page = visitor.get(&format!("/gallery/{reference}")).await;
    let stamp = page.between("name=\"stamp\" value=\"", "\"").unwrap();
    app.clock.advance(Duration::from_secs(10));
    let message = "Vu à Calais hier soir. ".repeat(200);
    let contact = "7".repeat(301);
    let response = visitor
        .post(
            &format!("/gallery/{reference}/reports"),
            &[
                ("stamp", stamp.as_str()),
                ("website", ""),
                ("message", message.as_str()),
                ("contact", contact.as_str()),
                ("language", "ar"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &response,
        &[
            "Ce formulaire contient 2 erreurs",
            r#"id="form-error" tabindex="-1""#,
            r#"<script src="/static/form-errors.js" defer></script>"#,
            r##"<a href="#message">Que savez-vous"##,
            r##"<a href="#contact">Comment vous joindre"##,
            "doit compter au plus",
            &format!(">{message}</textarea>"),
            &format!(r#"value="{contact}""#),
            &marked("message"),
            &marked("contact"),
            r#"<p class="field-error" id="err-contact">"#,
            r#"value="ar" lang="ar" selected"#,
        ],
    );
    assert_french(&response);

    // An expired form keeps the message too.
    let kept = visitor
        .post(
            &format!("/gallery/{reference}/reports"),
            &[("stamp", ""), ("message", "Je l’ai vu à Calais")],
        )
        .await;
    assert_eq!(kept.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &kept,
        &[
            ">Je l’ai vu à Calais</textarea>",
            "Le formulaire a expiré",
            r##"<a href="#report-form">"##,
        ],
    );
    // Nothing reached the organisation's queue.
    let queue = be.get("/staff/reports").await;
    assert_eq!(queue.body.matches("href=\"/staff/reports/").count(), 0);
}

/// Posts the publication form as a browser does: the CSRF token as the
/// body's first part, nothing in the query string.
async fn publish_form(browser: &Client<'_>, fields: &[(&str, &str)]) -> TestResponse {
    browser.get("/staff/gallery").await;
    let token = browser.cookie("retrace_csrf").unwrap();
    let boundary = "retrace-form-boundary-51";
    let mut body = String::new();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    for (name, value) in all {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    browser
        .send_bytes(
            Method::POST,
            "/staff/gallery",
            Some((
                &format!("multipart/form-data; boundary={boundary}"),
                body.into_bytes(),
            )),
            None,
        )
        .await
}

/// Every upload form carries its token as its first field, so a form
/// that comes back with errors never shows it in the address bar.
#[tokio::test]
async fn no_upload_form_puts_the_token_in_its_address() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    for path in [
        "/library/new",
        "/import/csv",
        "/import/csv/mapping",
        "/import/pfif",
    ] {
        let page = be.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body.contains(r#"enctype="multipart/form-data""#),
            "{path}"
        );
        assert!(!page.body.contains("csrf_token="), "{path}: {}", page.body);
        let form = page
            .body
            .split(r#"enctype="multipart/form-data""#)
            .nth(1)
            .unwrap_or_default();
        let first_input = form.split("<input").nth(1).unwrap_or_default();
        assert!(
            first_input.contains(r#"name="csrf_token""#),
            "{path}: {form}"
        );
    }
}

#[tokio::test]
async fn a_refused_publication_shows_its_errors_and_never_puts_the_token_in_the_address() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    be.set_cookie("retrace_lang", "fr");
    let (request, _) = open_request(&be).await;
    let form = be
        .get(&format!("/staff/gallery/new?request={request}"))
        .await;
    assert_contains(
        &form,
        &[r#"<form method="post" action="/staff/gallery" enctype="multipart/form-data""#],
    );
    assert!(!form.body.contains("csrf_token="), "{}", form.body);

    let response = publish_form(&be, &[("request", &request), ("region", "atlantis")]).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert_contains(
        &response,
        &[
            "Ce formulaire contient 3 erreurs",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#relationship">Liens recherchés"##,
            r##"<a href="#region">Grande région"##,
            r##"<a href="#photo">Photo"##,
            "atlantis\u{2069} » ne fait pas partie des choix",
            &marked("relationship"),
            &marked("region"),
            r#"aria-invalid="true" aria-describedby="photo-hint err-photo""#,
            "Choisissez à nouveau la photo",
            r#"action="/staff/gallery" enctype"#,
        ],
    );
    assert!(!response.body.contains("csrf_token="), "{}", response.body);
    assert_french(&response);

    // Typed choices are kept.
    let kept = publish_form(
        &be,
        &[
            ("request", &request),
            ("relationship", "brother"),
            ("region", "middle_east"),
        ],
    )
    .await;
    assert_eq!(kept.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &kept,
        &[
            r#"name="relationship" value="brother" checked"#,
            r#"value="middle_east" selected"#,
            "Ce formulaire contient une erreur",
        ],
    );

    // The token must be the first part: later, or missing, it is refused.
    let token = be.cookie("retrace_csrf").unwrap();
    let boundary = "b";
    let late = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{request}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}--\r\n"
    );
    let refused = be
        .send_bytes(
            Method::POST,
            "/staff/gallery",
            Some((
                &format!("multipart/form-data; boundary={boundary}"),
                late.into_bytes(),
            )),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn candidate_forms_keep_what_was_typed_and_messages_wait_for_both_confirmations() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    be.set_cookie("retrace_lang", "fr");
    let (_, sought) = open_request(&be).await;
    register_safe(&fr, &[]).await;
    let candidate = candidate_link(&be.get(&format!("/persons/{sought}")).await).unwrap();
    let path = format!("/candidates/{candidate}");

    // Not confirmed by both sides: no message form, a word on why.
    let page = be.get(&path).await;
    assert!(!page.body.contains(&format!(r#"action="{path}/messages""#)));
    assert_contains(&page, &["Les messages familiaux peuvent être rédigés"]);

    let reason = "r".repeat(501);
    let review = be
        .post(
            &format!("{path}/review"),
            &[("status", "peut-être"), ("reason", &reason)],
        )
        .await;
    assert_eq!(review.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &review,
        &[
            "Ce formulaire contient 2 erreurs",
            r##"<a href="#review-status">Décision"##,
            r##"<a href="#reason">Motif"##,
            &format!(r#"value="{reason}""#),
            &marked("review-status"),
            &marked("reason"),
        ],
    );
    assert_french(&review);
    let rejected = be
        .post(&format!("{path}/review"), &[("status", "rejected")])
        .await;
    assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &rejected,
        &[r#"<option value="rejected" selected>"#, &marked("reason")],
    );

    // Release without the box ticked: the box is marked.
    let release = be.post(&format!("{path}/release"), &[]).await;
    assert_eq!(release.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &release,
        &["cochez la case pour confirmer", &marked("confirm-release")],
    );
    assert_french(&release);

    for browser in [&be, &fr] {
        let confirmed = browser
            .post(&format!("{path}/review"), &[("status", "confirmed")])
            .await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    }
    let page = be.get(&path).await;
    assert!(page.body.contains(&format!(r#"action="{path}/messages""#)));
    let body = "Ton frère va bien. ".repeat(120);
    let message = be
        .post(
            &format!("{path}/messages"),
            &[("direction", "nowhere"), ("body", &body)],
        )
        .await;
    assert_eq!(message.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &message,
        &[
            "Ce formulaire contient 2 erreurs",
            r##"<a href="#direction">Destinataire"##,
            r##"<a href="#body">Message"##,
            &format!(">{body}</textarea>"),
            &marked("direction"),
            &marked("body"),
        ],
    );
    assert_french(&message);

    // A message marked by a colleague since the page was drawn: the page
    // again, the refusal in words on top.
    let sent = be
        .post(
            &format!("{path}/messages"),
            &[("direction", "to_enquirer"), ("body", "Ton frère va bien.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = be.get(&path).await;
    let advance = page
        .between(&format!(r#"action="{path}/messages/"#), "\"")
        .expect("a message to mark");
    let advance = format!("{path}/messages/{advance}");
    let status = page
        .between(r#"<input type="hidden" name="status" value=""#, "\"")
        .expect("the next status");
    let marked_once = be.post(&advance, &[("status", status.as_str())]).await;
    assert_eq!(marked_once.status, StatusCode::SEE_OTHER);
    let stale = be.post(&advance, &[("status", status.as_str())]).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &stale,
        &[
            "Ce formulaire contient une erreur",
            r##"<a href="#messages">"##,
        ],
    );
    assert_french(&stale);

    // Another organisation's candidate reads as missing, form errors or not.
    let third = app.org("Croix-Rouge luxembourgeoise", "LU").await;
    app.member("case@lu.example", third, "caseworker").await;
    let lu = app.signed_in("case@lu.example").await;
    for action in ["review", "messages", "release"] {
        let response = lu
            .post(&format!("{path}/{action}"), &[("status", "nope")])
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{action}");
    }
}

#[tokio::test]
async fn transfer_forms_keep_what_was_typed_and_mark_every_field() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    be.set_cookie("retrace_lang", "fr");
    let (request, _) = open_request(&be).await;
    let note = "n".repeat(2001);
    let response = be
        .post(
            &format!("/requests/{request}/transfers"),
            &[
                ("to_org", ""),
                ("sought", "not-an-id"),
                ("circumstances", "on"),
                ("note", &note),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &response,
        &[
            "Ce formulaire contient 3 erreurs",
            r##"<a href="#to_org">Organisation destinataire"##,
            r##"<a href="#note">Note à l’organisation destinataire"##,
            "choisissez l’organisation destinataire",
            &format!(">{note}</textarea>"),
            r#"aria-invalid="true" aria-describedby="to-org-hint err-to_org""#,
            &marked("note"),
            r#"name="circumstances" checked"#,
        ],
    );
    assert_french(&response);

    // The receiver's decision: declining without a reason.
    let france = story.france.to_string();
    let sent = be
        .post(
            &format!("/requests/{request}/transfers"),
            &[("to_org", france.as_str()), ("circumstances", "on")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let fr = app.signed_in("case@fr.example").await;
    fr.set_cookie("retrace_lang", "fr");
    let inbox = fr.get("/transfers").await;
    let transfer = inbox.between("href=\"/transfers/", "\"").unwrap();
    let declined = fr
        .post(
            &format!("/transfers/{transfer}/decision"),
            &[("decision", "decline"), ("reason", "")],
        )
        .await;
    assert_eq!(declined.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &declined,
        &[
            "dites pourquoi le transfert est refusé",
            r#"value="decline" checked"#,
            r#"aria-invalid="true" aria-describedby="reason-hint err-reason""#,
        ],
    );
    assert_french(&declined);
    let undecided = fr
        .post(&format!("/transfers/{transfer}/decision"), &[])
        .await;
    assert_eq!(undecided.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&undecided, &["choisissez une option", &marked("decision")]);
}

#[tokio::test]
async fn a_refused_sign_in_keeps_the_address_and_marks_both_fields() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let browser = app.client();
    browser.set_cookie("retrace_lang", "fr");
    let response = browser
        .post(
            "/sign-in",
            &[("email", "case@be.example"), ("password", "wrong one")],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_contains(
        &response,
        &[
            r#"id="form-error" tabindex="-1""#,
            "La connexion a échoué",
            r#"aria-invalid="true" aria-describedby="form-error" value="case@be.example""#,
            r#"<script src="/static/form-errors.js" defer></script>"#,
        ],
    );
    assert_french(&response);
}

#[tokio::test]
async fn account_forms_keep_what_was_typed_and_show_every_error() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let browser = app.signed_in("case@be.example").await;
    browser.set_cookie("retrace_lang", "fr");
    let name = "n".repeat(101);
    let refused = browser
        .post(
            "/account/api-tokens",
            &[
                ("name", name.as_str()),
                ("scopes", "export"),
                ("expires_in_days", "366"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &refused,
        &[
            "Ce formulaire contient 2 erreurs",
            r##"<a href="#token-name">Nom du jeton"##,
            r##"<a href="#token-days">Expire"##,
            &format!(r#"value="{name}""#),
            &marked("token-name"),
            &marked("token-days"),
            r#"name="scopes" value="export" checked"#,
        ],
    );
    assert!(
        !refused
            .body
            .contains(r#"name="scopes" value="read" checked"#)
    );
    assert_french(&refused);
    let nothing = browser
        .post(
            "/account/api-tokens",
            &[("name", "x"), ("expires_in_days", "90")],
        )
        .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &nothing,
        &["choisissez au moins une portée", &marked("scopes")],
    );

    let password = browser
        .post(
            "/account/password",
            &[("current_password", "not it"), ("new_password", "short")],
        )
        .await;
    assert_eq!(password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&password, &[&marked("current_password")]);
    assert!(
        !password.body.contains("not it"),
        "a password is never shown"
    );
    assert_french(&password);
}

#[tokio::test]
async fn administration_forms_show_every_error_on_their_fields() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let admin_id = app
        .member("admin@be.example", story.belgium, "org_admin")
        .await;
    let admin = app.signed_in("admin@be.example").await;
    admin.set_cookie("retrace_lang", "fr");
    let account = admin
        .post(
            "/org/users",
            &[
                ("display_name", ""),
                ("email", "not-an-address"),
                ("roles", "caseworker"),
            ],
        )
        .await;
    assert_eq!(account.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &account,
        &[
            "Ce formulaire contient 2 erreurs",
            r##"<a href="#display_name">Nom"##,
            r##"<a href="#email">Adresse e-mail"##,
            "doit être une adresse électronique",
            r#"value="not-an-address" aria-invalid="true" aria-describedby="err-email""#,
            &marked("display_name"),
            r#"name="roles" value="caseworker" checked"#,
        ],
    );
    assert_french(&account);

    // One's own administration role is not offered for removal.
    let own = admin.get(&format!("/org/users/{admin_id}")).await;
    assert_contains(
        &own,
        &[
            r#"<input type="hidden" name="roles" value="org_admin">"#,
            "checked disabled",
        ],
    );

    // Retention: the refused period stays in its row, marked.
    let retention = admin
        .post("/org/retention", &[("kind", "exports"), ("days", "5")])
        .await;
    assert_eq!(retention.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &retention,
        &[
            r##"<a href="#days-exports">Registres des exports"##,
            r#"value="5" required aria-invalid="true" aria-describedby="err-days-exports""#,
        ],
    );
    assert_french(&retention);

    // Erasure without the box ticked: the box is marked.
    let be = app.signed_in("case@be.example").await;
    let (request, sought) = open_request(&be).await;
    let erase = admin.post(&format!("/persons/{sought}/erase"), &[]).await;
    assert_eq!(erase.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&erase, &[r##"<a href="#confirm">"##, &marked("confirm")]);
    assert_french(&erase);

    // Withdrawing the enquirer's consent without the box ticked: that
    // entry's box.
    be.set_cookie("retrace_lang", "fr");
    let request_page = be.get(&format!("/requests/{request}")).await;
    let heading = request_page
        .between("<h2 id=\"enquirer-heading\">", "</h2>")
        .unwrap();
    let at = heading.find("/persons/").unwrap() + "/persons/".len();
    let enquirer = &heading[at..at + 36];
    let person = be.get(&format!("/persons/{enquirer}")).await;
    let consent = person
        .between("/consents/", "/withdraw")
        .expect("a consent entry");
    let withdraw = be
        .post(
            &format!("/persons/{enquirer}/consents/{consent}/withdraw"),
            &[],
        )
        .await;
    assert_eq!(withdraw.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&withdraw, &[&marked(&format!("confirm-{consent}"))]);
    assert_french(&withdraw);

    // The operator's forms.
    app.account("op@retrace.example", retrace_store::Membership::Operator)
        .await;
    let operator = app.signed_in("op@retrace.example").await;
    operator.set_cookie("retrace_lang", "fr");
    let organisation = operator
        .post(
            "/operator/organisations",
            &[
                ("name", "Croix-Rouge"),
                ("kind", "national_society"),
                ("country", "ZZZ"),
            ],
        )
        .await;
    assert_eq!(organisation.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &organisation,
        &[
            r##"<a href="#country">Pays"##,
            r#"value="Croix-Rouge""#,
            r#"value="ZZZ" aria-invalid="true" aria-describedby="country-hint err-country""#,
        ],
    );
    assert_french(&organisation);
    let user = operator
        .post(
            "/operator/users",
            &[("org", ""), ("display_name", "Ana"), ("email", "bad")],
        )
        .await;
    assert_eq!(user.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &user,
        &[
            "Ce formulaire contient 3 erreurs",
            &marked("org"),
            &marked("email"),
            &marked("roles"),
        ],
    );
    assert_french(&user);
}

#[tokio::test]
async fn a_takedown_without_its_box_comes_back_marked() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, _, entry, _) = published(&be).await;
    be.set_cookie("retrace_lang", "fr");
    let path = format!("/staff/gallery/{entry}/take-down");
    let refused = be.post(&path, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &refused,
        &[
            r##"<a href="#take-down-confirm">"##,
            "cochez la case pour confirmer",
            &marked("take-down-confirm"),
        ],
    );
    assert_french(&refused);
    // Another organisation's entry: not found, box or not.
    let fr = app.signed_in("case@fr.example").await;
    assert_eq!(fr.post(&path, &[]).await.status, StatusCode::NOT_FOUND);
    // Still published.
    let page = be.get(&format!("/staff/gallery/{entry}")).await;
    assert!(page.body.contains("id=\"public-link\""), "{}", page.body);
}
