//! Trace the Face end to end: publishing with consent, the public pages
//! (nothing but the photo, relationships and reference), reports to the
//! owning organisation's queue, and takedown (files gone, every URL 404).

use crate::gallery_uploads::assert_clean_jpeg;
use crate::harness::{CONFIRM, Client, TestApp, TestResponse, pdf_text};
use crate::tracing::{open_request, orgs};
use axum::http::StatusCode;
use std::time::Duration;

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

pub fn gps_photo() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/hostile-uploads/gps-exif-xmp-icc-comment.jpg"),
    )
    .unwrap()
}

/// The enquirer of a request, from its page.
async fn enquirer(browser: &Client<'_>, request: &str) -> String {
    browser
        .get(&format!("/requests/{request}"))
        .await
        .between("<h2 id=\"enquirer-heading\">", "</h2>")
        .and_then(|h| {
            h.split("/persons/")
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_owned())
        })
        .unwrap()
}

async fn consent(browser: &Client<'_>, person: &str, basis: &str) {
    let response = browser
        .post(
            &format!("/persons/{person}/consents"),
            &[
                ("purpose", "publication"),
                ("basis", basis),
                ("method", "written"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

async fn publish(browser: &Client<'_>, request: &str) -> TestResponse {
    browser
        .post_multipart(
            "/staff/gallery",
            &[
                ("request", request),
                ("relationship", "brother"),
                ("relationship", "mother"),
                ("region", "middle_east"),
            ],
            Some(("photo", &gps_photo())),
        )
        .await
}

/// Publishes the Belgian request; returns (request, enquirer, entry id, reference).
pub async fn published(be: &Client<'_>) -> (String, String, String, String) {
    let (request, _) = open_request(be).await;
    let person = enquirer(be, &request).await;
    consent(be, &person, "self").await;
    let response = publish(be, &request).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let entry = response
        .location()
        .unwrap()
        .trim_start_matches("/staff/gallery/")
        .to_owned();
    let page = be.get(&format!("/staff/gallery/{entry}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let reference = page.between("id=\"reference\">", "<").unwrap();
    (request, person, entry, reference)
}

fn photo_links(page: &TestResponse) -> Vec<String> {
    page.body
        .split("src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|src| src.starts_with("/gallery/photos/"))
        .map(str::to_owned)
        .collect()
}

fn without_random_values(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some((start, len)) = ["value=\"", "/gallery/photos/"]
        .iter()
        .filter_map(|marker| rest.find(marker).map(|at| (at, marker.len())))
        .min()
    {
        out.push_str(&rest[..start + len]);
        let tail = &rest[start + len..];
        rest = &tail[tail.find('"').unwrap_or(tail.len())..];
    }
    out.push_str(rest);
    out
}

pub fn media_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(&app.media_dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn publication_needs_consent_and_shows_only_public_fields() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (request, _) = open_request(&be).await;
    // Without a publication consent: refused, nothing stored.
    let refused = publish(&be, &request).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("consent to publication"),
        "{}",
        refused.body
    );
    assert!(media_files(&app).is_empty());

    let person = enquirer(&be, &request).await;
    consent(&be, &person, "self").await;
    let response = publish(&be, &request).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    // A second entry for the same request is refused; the form leads to
    // the existing entry.
    let again = publish(&be, &request).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = be
        .get(&format!("/staff/gallery/new?request={request}"))
        .await;
    assert_eq!(form.location(), response.location());
    assert_eq!(media_files(&app).len(), 2, "a photo and a thumbnail");
    #[cfg(unix)]
    for file in media_files(&app) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }

    let visitor = app.client();
    let gallery = visitor.get("/gallery").await;
    assert_eq!(gallery.status, StatusCode::OK);
    let link = gallery
        .between("<li class=\"gallery-card\"><a href=\"", "\"")
        .unwrap();
    let entry = visitor.get(&link).await;
    assert_eq!(entry.status, StatusCode::OK);
    for page in [&gallery, &entry] {
        assert!(
            page.headers["x-robots-tag"]
                .to_str()
                .unwrap()
                .contains("noindex")
        );
        assert_eq!(page.headers["cache-control"], "no-store");
    }
    for page in [&gallery, &entry] {
        assert!(page.body.contains("brother"), "the relationship is shown");
        assert!(page.body.contains("Middle East"));
        // Random values (CSRF token, signed stamp, image tokens) could
        // contain any short string: take them out before looking.
        let text = without_random_values(&page.body);
        for secret in [
            "Ahmad", "Khaled", "Hassan", "Omar", "1990", "1994", "03-12", "Evros", "Syria", "+32",
            "470", &request, &person,
        ] {
            assert!(!text.contains(secret), "{secret} leaked");
        }
        assert!(!text.contains("BE-20"), "the case reference leaked");
        for (name, value) in &page.headers {
            let value = value.to_str().unwrap_or_default();
            assert!(
                !value.contains("Ahmad") && !value.contains(&request),
                "{name}"
            );
        }
    }
    // Arabic: right to left, relationships translated.
    let arabic = visitor
        .send(
            axum::http::Method::GET,
            &link,
            None,
            Some(("accept-language", "ar")),
        )
        .await;
    assert!(arabic.body.contains("dir=\"rtl\""));
    // The stored images carry no metadata at all.
    let images = photo_links(&gallery)
        .into_iter()
        .chain(photo_links(&entry))
        .collect::<Vec<_>>();
    assert_eq!(images.len(), 2);
    for src in images {
        assert!(!src.contains(&person) && !src.contains(&request));
        let (status, headers, bytes) = visitor.get_bytes(&src).await;
        assert_eq!(status, StatusCode::OK, "{src}");
        assert_eq!(headers["content-type"], "image/jpeg");
        assert!(
            headers["x-robots-tag"]
                .to_str()
                .unwrap()
                .contains("noimageindex")
        );
        assert_clean_jpeg(&bytes, &src);
    }
    // Guessed image names and references are simply missing.
    assert_eq!(
        visitor
            .get("/gallery/photos/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.jpg")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/gallery/2222-2222").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_minor_needs_a_guardian_and_a_second_approver() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let second = app.signed_in("case2@be.example").await;
    let (request, _) = open_request(&be).await;
    let person = enquirer(&be, &request).await;
    // Make the enquirer a minor through the edit form.
    let edit = be.get(&format!("/persons/{person}/edit")).await;
    let version = edit.between("name=\"version\" value=\"", "\"").unwrap();
    let response = be
        .post(
            &format!("/persons/{person}/edit"),
            &[
                ("version", version.as_str()),
                ("p_name_1", "Ahmad Khaled Al-Hassan"),
                ("p_sex", "male"),
                ("p_minor", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    consent(&be, &person, "guardian").await;
    let response = publish(&be, &request).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let entry = response.location().unwrap().to_owned();
    let page = be.get(&entry).await;
    let reference = page.between("id=\"reference\">", "<").unwrap();
    assert!(page.body.contains("Awaiting a second approval"));
    assert!(
        !page.body.contains("id=\"approve\""),
        "not by the same person"
    );
    let visitor = app.client();
    assert_eq!(
        visitor.get(&format!("/gallery/{reference}")).await.status,
        StatusCode::NOT_FOUND
    );
    let same = be.post(&format!("{entry}/approve"), &[]).await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.body
    );
    let approved = second.post(&format!("{entry}/approve"), &[]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert_eq!(
        visitor.get(&format!("/gallery/{reference}")).await.status,
        StatusCode::OK
    );
}

pub async fn send_report(
    app: &TestApp,
    visitor: &Client<'_>,
    reference: &str,
    message: &str,
) -> TestResponse {
    let page = visitor.get(&format!("/gallery/{reference}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let stamp = page.between("name=\"stamp\" value=\"", "\"").unwrap();
    app.clock.advance(Duration::from_secs(10));
    visitor
        .post(
            &format!("/gallery/{reference}/reports"),
            &[
                ("stamp", stamp.as_str()),
                ("website", ""),
                ("message", message),
                ("contact", "+33 6 00 00 00 00"),
                ("language", "fr"),
            ],
        )
        .await
}

#[tokio::test]
async fn reports_reach_only_the_owning_organisation_and_bots_are_turned_away() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (request, _, _, reference) = published(&be).await;
    let visitor = app.client();

    // A bot that fills the honeypot is thanked and ignored.
    let page = visitor.get(&format!("/gallery/{reference}")).await;
    let stamp = page.between("name=\"stamp\" value=\"", "\"").unwrap();
    app.clock.advance(Duration::from_secs(10));
    let bot = visitor
        .post(
            &format!("/gallery/{reference}/reports"),
            &[
                ("stamp", stamp.as_str()),
                ("website", "http://spam"),
                ("message", "buy"),
            ],
        )
        .await;
    assert_eq!(bot.status, StatusCode::SEE_OTHER);
    // Too fast, forged and missing stamps are refused.
    let fresh = visitor.get(&format!("/gallery/{reference}")).await;
    let fresh_stamp = fresh.between("name=\"stamp\" value=\"", "\"").unwrap();
    let forged = format!("{}.{}", app.now().as_millis() - 60_000, "0".repeat(64));
    for stamp in [fresh_stamp.as_str(), forged.as_str(), ""] {
        let response = visitor
            .post(
                &format!("/gallery/{reference}/reports"),
                &[("stamp", stamp), ("message", "I saw him")],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{stamp}");
    }
    // Without the CSRF token: refused by the middleware.
    let no_csrf = app
        .client()
        .post_raw(
            &format!("/gallery/{reference}/reports"),
            &[("stamp", fresh_stamp.as_str()), ("message", "x")],
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);

    let sent = send_report(&app, &visitor, &reference, "I saw your brother in Calais").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let thanks = visitor.get(sent.location().unwrap()).await;
    assert_eq!(thanks.status, StatusCode::OK);

    let queue = be.get("/staff/reports").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(
        queue.body.matches("href=\"/staff/reports/").count(),
        1,
        "the bot's report was dropped"
    );
    let report = queue.between("href=\"/staff/reports/", "\"").unwrap();
    let shown = be.get(&format!("/staff/reports/{report}")).await;
    assert!(shown.body.contains("I saw your brother in Calais"));
    assert!(shown.body.contains(&request));
    assert!(
        shown.body.contains("<dd>French</dd>"),
        "the language as a word"
    );
    assert!(queue.body.contains(">French</td>"));
    // Another organisation sees nothing, exactly like a missing report.
    let theirs = fr.get("/staff/reports").await;
    assert!(!theirs.body.contains(&report));
    let other = fr.get(&format!("/staff/reports/{report}")).await;
    let missing = fr.get(&format!("/staff/reports/{MISSING}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.body.replace(&report, "ID"),
        missing.body.replace(MISSING, "ID")
    );
    let forbidden = fr
        .post(
            &format!("/staff/reports/{report}/status"),
            &[("status", "spam")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::NOT_FOUND);
    for status in ["useful", "linked", "spam"] {
        let marked = be
            .post(
                &format!("/staff/reports/{report}/status"),
                &[("status", status)],
            )
            .await;
        assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    }
    // A status no button offers: the report's page again, the refusal on
    // top; another organisation's report still reads as missing.
    let refused = be
        .post(
            &format!("/staff/reports/{report}/status"),
            &[("status", "nonsense")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(r##"<a href="#report-status-form">"##),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"report-status\""));
    let foreign = fr
        .post(
            &format!("/staff/reports/{report}/status"),
            &[("status", "nonsense")],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(
        be.get("/staff/reports?status=spam")
            .await
            .body
            .contains(&report)
    );
    // Every step is in the audit log.
    let entries = app
        .store
        .audit_entries(&retrace_store::OrgScope::new(story.belgium), 200, None)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.record.action.as_str()).collect();
    for wanted in [
        "gallery_entry_created",
        "information_report_received",
        "information_report_viewed",
        "information_report_reviewed",
    ] {
        assert!(
            actions.contains(&wanted),
            "{wanted} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn reports_are_rate_limited_per_client() {
    let app = TestApp::with_config(|config| config.gallery_reports_per_client = 2).await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, _, _, reference) = published(&be).await;
    let visitor = app.client();
    for _ in 0..2 {
        assert_eq!(
            send_report(&app, &visitor, &reference, "news").await.status,
            StatusCode::SEE_OTHER
        );
    }
    let limited = send_report(&app, &visitor, &reference, "news").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn gallery_pages_and_images_are_rate_limited_per_client() {
    let app = TestApp::with_config(|config| {
        config.gallery_pages_per_client = 3;
        config.gallery_images_per_client = 2;
    })
    .await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    published(&be).await;
    let scraper = app.client();
    let gallery = scraper.get("/gallery").await;
    let image = photo_links(&gallery).remove(0);
    for _ in 0..2 {
        assert_eq!(scraper.get("/gallery?page=2").await.status, StatusCode::OK);
        assert_eq!(scraper.get_bytes(&image).await.0, StatusCode::OK);
    }
    assert_eq!(
        scraper.get("/gallery").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        scraper.get_bytes(&image).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client is not affected.
    assert_eq!(app.client().get("/gallery").await.status, StatusCode::OK);
}

async fn assert_gone(
    app: &TestApp,
    be: &Client<'_>,
    entry: &str,
    reference: &str,
    images: &[String],
) {
    let visitor = app.client();
    assert!(
        media_files(app).is_empty(),
        "files left: {:?}",
        media_files(app)
    );
    for path in [
        format!("/gallery/{reference}"),
        format!("/gallery/{reference}/thanks"),
    ] {
        assert_eq!(
            visitor.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for image in images {
        assert_eq!(
            visitor.get_bytes(image).await.0,
            StatusCode::NOT_FOUND,
            "{image}"
        );
    }
    for path in [
        format!("/staff/gallery/{entry}"),
        format!("/staff/gallery/{entry}/photo.jpg"),
        format!("/staff/gallery/{entry}/thumbnail.jpg"),
        format!("/staff/gallery/{entry}/poster?lang=en"),
        format!("/staff/gallery/{entry}/poster.pdf"),
    ] {
        assert_eq!(be.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert!(!visitor.get("/gallery").await.body.contains(reference));
}

async fn images_of(app: &TestApp, reference: &str) -> Vec<String> {
    let visitor = app.client();
    let mut images = photo_links(&visitor.get(&format!("/gallery/{reference}")).await);
    images.extend(photo_links(&visitor.get("/gallery").await));
    assert_eq!(images.len(), 2);
    images
}

#[tokio::test]
async fn takedown_removes_the_files_and_every_url_answers_404() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (_, _, entry, reference) = published(&be).await;
    let images = images_of(&app, &reference).await;
    // Another organisation cannot take it down: it looks missing.
    let theirs = fr
        .post(&format!("/staff/gallery/{entry}/take-down"), CONFIRM)
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    // Without the confirmation box nothing is taken down.
    let unconfirmed = be
        .post(&format!("/staff/gallery/{entry}/take-down"), &[])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(visitor_status(&app, &reference).await, StatusCode::OK);
    let response = be
        .post(&format!("/staff/gallery/{entry}/take-down"), CONFIRM)
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_gone(&app, &be, &entry, &reference, &images).await;
}

#[tokio::test]
async fn closing_the_request_takes_the_entry_down() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (request, _, entry, reference) = published(&be).await;
    let images = images_of(&app, &reference).await;
    let page = be.get(&format!("/requests/{request}")).await;
    let version = page.between("name=\"version\" value=\"", "\"").unwrap();
    let closing = [
        ("status", "closed"),
        ("closure_reason", "not_found"),
        ("version", version.as_str()),
    ];
    // Without the confirmation box: the form comes back with its error,
    // the request stays open and the entry stays published.
    let unconfirmed = be
        .post(&format!("/requests/{request}/status"), &closing)
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("id=\"err-confirm\""));
    assert_eq!(visitor_status(&app, &reference).await, StatusCode::OK);
    let again = be.get(&format!("/requests/{request}")).await;
    assert_eq!(
        again.between("name=\"version\" value=\"", "\"").unwrap(),
        version
    );
    let response = be
        .post(
            &format!("/requests/{request}/status"),
            &[closing.as_slice(), CONFIRM].concat(),
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_gone(&app, &be, &entry, &reference, &images).await;
}

#[tokio::test]
async fn withdrawing_the_publication_consent_takes_the_entry_down() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, person, entry, reference) = published(&be).await;
    let images = images_of(&app, &reference).await;
    let page = be.get(&format!("/persons/{person}")).await;
    let row = page
        .body
        .split("<tr>")
        .find(|row| row.contains("Publication") && row.contains("/withdraw"))
        .unwrap();
    let withdraw = row
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    // Without the confirmation box nothing is withdrawn.
    let unconfirmed = be.post(&withdraw, &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(visitor_status(&app, &reference).await, StatusCode::OK);
    let response = be.post(&withdraw, CONFIRM).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_gone(&app, &be, &entry, &reference, &images).await;
}

#[tokio::test]
async fn staff_routes_refuse_anonymous_wrong_roles_and_other_organisations() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let outreach = app.signed_in("outreach@be.example").await;
    let viewer = app.signed_in("viewer@be.example").await;
    let (request, _, entry, reference) = published(&be).await;
    let visitor = app.client();
    let sent = send_report(&app, &visitor, &reference, "news").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let report = be
        .get("/staff/reports")
        .await
        .between("href=\"/staff/reports/", "\"")
        .unwrap();

    let gets = [
        ("/staff/gallery".to_owned(), None),
        (
            format!("/staff/gallery/new?request={request}"),
            Some(request.as_str()),
        ),
        (format!("/staff/gallery/{entry}"), Some(entry.as_str())),
        (
            format!("/staff/gallery/{entry}/photo.jpg"),
            Some(entry.as_str()),
        ),
        (
            format!("/staff/gallery/{entry}/thumbnail.jpg"),
            Some(entry.as_str()),
        ),
        (
            format!("/staff/gallery/{entry}/poster?lang=ar"),
            Some(entry.as_str()),
        ),
        ("/staff/reports".to_owned(), None),
        (format!("/staff/reports/{report}"), Some(report.as_str())),
    ];
    for (path, id) in &gets {
        app.client().get(path).await.assert_redirect_to_sign_in();
        assert_eq!(
            outreach.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        if let Some(id) = id {
            let theirs = fr.get(path).await;
            let missing = fr.get(&path.replace(id, MISSING)).await;
            assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(
                (theirs.status, theirs.body.replace(id, "ID")),
                (missing.status, missing.body.replace(MISSING, "ID")),
                "{path}"
            );
        }
    }
    assert_eq!(
        viewer.get(&format!("/staff/gallery/{entry}")).await.status,
        StatusCode::OK
    );
    let posts = [
        (format!("/staff/gallery/{entry}/approve"), entry.as_str()),
        (format!("/staff/gallery/{entry}/take-down"), entry.as_str()),
        (format!("/staff/reports/{report}/status"), report.as_str()),
    ];
    for (path, id) in &posts {
        let fields = [("status", "spam"), ("confirm", "on")];
        let anonymous = app.client().post(path, &fields).await;
        anonymous.assert_redirect_to_sign_in();
        for browser in [&outreach, &viewer] {
            assert_eq!(
                browser.post(path, &fields).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        let theirs = fr.post(path, &fields).await;
        let missing = fr.post(&path.replace(id, MISSING), &fields).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            theirs.body.replace(id, "ID"),
            missing.body.replace(MISSING, "ID")
        );
    }
    // Publishing another organisation's request looks like a missing one.
    let theirs = publish(&fr, &request).await;
    let missing = publish(&fr, MISSING).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        theirs.body.replace(&request, "ID"),
        missing.body.replace(MISSING, "ID")
    );
    for browser in [&outreach, &viewer] {
        assert_eq!(
            publish(browser, &request).await.status,
            StatusCode::FORBIDDEN
        );
    }
    // The entry is still there for its owners.
    assert_eq!(
        be.get(&format!("/staff/gallery/{entry}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn posters_show_the_reference_the_qr_code_and_the_chosen_languages() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, _, entry, reference) = published(&be).await;
    let poster = be
        .get(&format!("/staff/gallery/{entry}/poster?lang=en,ar"))
        .await;
    assert_eq!(poster.status, StatusCode::OK, "{}", poster.body);
    assert!(poster.body.contains(&reference));
    assert!(poster.body.contains("<svg"));
    assert!(poster.body.contains("dir=\"rtl\""));
    assert!(poster.body.contains("أخ") || poster.body.contains("يبحث"));
    assert!(!poster.body.contains("Ahmad"));
    let (status, headers, pdf) = be
        .get_bytes(&format!(
            "/staff/gallery/{entry}/poster.pdf?lang=en,fr,es,ar"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    for marker in [&b"/DCTDecode"[..], b"/Photo Do"] {
        assert!(pdf.windows(marker.len()).any(|w| w == marker));
    }
    for marker in [&b"Exif"[..], b"GPS", b"Ahmad"] {
        assert!(!pdf.windows(marker.len()).any(|w| w == marker));
    }
    if let Ok(dir) = std::env::var("RETRACE_KEEP_POSTER") {
        std::fs::write(std::path::Path::new(&dir).join("poster.pdf"), &pdf).unwrap();
    }
}

#[tokio::test]
async fn the_pdf_poster_is_real_text_a_reader_can_extract() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, _, entry, reference) = published(&be).await;
    let (status, _, pdf) = be
        .get_bytes(&format!("/staff/gallery/{entry}/poster.pdf?lang=en,ar"))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    let text = pdf_text(&pdf);
    // The reference, the English and the Arabic relationship, each word in
    // the order its letters are read (pdftotext orders the Arabic segments
    // of a line around the punctuation on its own).
    for words in [
        reference.as_str(),
        "Do you know me?",
        "Looking for: brother",
        "هل تعرفني؟",
        "يبحث عن",
        "الأخ",
    ] {
        assert!(text.contains(words), "{words} not in {text}");
    }
    // The fonts are embedded as subsets, with a map back to the characters,
    // and the document is tagged.
    let raw = String::from_utf8_lossy(&pdf);
    for marker in ["/FontFile2", "/ToUnicode", "/StructTreeRoot", "/Lang (en)"] {
        assert!(raw.contains(marker), "{marker}");
    }
    // Latin and Arabic, regular and bold.
    assert_eq!(raw.matches("/Subtype /Type0").count(), 4);
    assert!(!raw.contains("Ahmad"));
    if let Ok(dir) = std::env::var("RETRACE_KEEP_POSTER") {
        std::fs::write(std::path::Path::new(&dir).join("poster-en-ar.pdf"), &pdf).unwrap();
    }
}

#[tokio::test]
async fn the_public_contact_set_by_the_administrator_is_on_entries_and_posters() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    app.member("admin@be.example", story.belgium, "org_admin")
        .await;
    app.member("admin@fr.example", story.france, "org_admin")
        .await;
    let be = app.signed_in("case@be.example").await;
    let admin = app.signed_in("admin@be.example").await;
    let fr_admin = app.signed_in("admin@fr.example").await;
    let (_, _, entry, reference) = published(&be).await;

    // Anonymous goes to sign in; a caseworker is refused.
    let anonymous = app.client().get("/org/contact").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().unwrap().starts_with("/sign-in"));
    assert_eq!(be.get("/org/contact").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        be.post("/org/contact", &[("public_phone", "+32 2 555 01 23")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Every invalid field at once, what was typed kept, nothing saved.
    let refused = admin
        .post(
            "/org/contact",
            &[
                ("public_phone", "call us"),
                ("public_email", "tracing-at-example"),
                ("public_details", "Rue Haute 1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for marker in [
        "id=\"err-public_phone\"",
        "id=\"err-public_email\"",
        "value=\"call us\"",
        "Rue Haute 1",
        "must be a phone number",
    ] {
        assert!(refused.body.contains(marker), "{marker}");
    }
    let page = app.client().get(&format!("/gallery/{reference}")).await;
    assert!(page.body.contains("Belgian Red Cross"));
    assert!(!page.body.contains("Rue Haute"));

    let saved = admin
        .post(
            "/org/contact",
            &[
                ("public_phone", "+32 2 555 01 23"),
                ("public_email", "Tracing@RedCross-BE.example"),
                (
                    "public_details",
                    "Rue Haute 1, Brussels\nMonday to Friday 9:00-17:00",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("id=\"contact-saved\""));
    assert!(saved.body.contains("tracing@redcross-be.example"));

    // The public page, the HTML poster and the PDF poster name the
    // organisation and its contact; no member of its staff.
    let expected = [
        "Belgian Red Cross",
        "+32 2 555 01 23",
        "tracing@redcross-be.example",
        "Monday to Friday 9:00-17:00",
    ];
    let public = app.client().get(&format!("/gallery/{reference}")).await;
    let poster = be
        .get(&format!("/staff/gallery/{entry}/poster?lang=en,ar"))
        .await;
    let (_, _, pdf) = be
        .get_bytes(&format!(
            "/staff/gallery/{entry}/poster.pdf?lang=en,fr,es,ar"
        ))
        .await;
    if let Ok(dir) = std::env::var("RETRACE_KEEP_POSTER") {
        std::fs::write(std::path::Path::new(&dir).join("poster-contact.pdf"), &pdf).unwrap();
    }
    let pdf = pdf_text(&pdf);
    for text in expected {
        assert!(public.body.contains(text), "{text} on the public page");
        assert!(poster.body.contains(text), "{text} on the poster");
        assert!(pdf.contains(text), "{text} in the PDF: {pdf}");
    }
    for staff in ["case@be.example", "admin@be.example"] {
        assert!(!public.body.contains(staff) && !poster.body.contains(staff));
    }

    // Another organisation's administrator has a contact of its own.
    let theirs = fr_admin.get("/org/contact").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.body.contains("French Red Cross"));
    assert!(!theirs.body.contains("555 01 23"));

    // Cleared: the organisation is still named, the contact gone.
    let cleared = admin
        .post(
            "/org/contact",
            &[
                ("public_phone", ""),
                ("public_email", ""),
                ("public_details", ""),
            ],
        )
        .await;
    assert_eq!(cleared.status, StatusCode::OK);
    let public = app.client().get(&format!("/gallery/{reference}")).await;
    assert!(public.body.contains("Belgian Red Cross"));
    assert!(!public.body.contains("555 01 23"));
}

#[tokio::test]
async fn flagging_anyone_in_the_entry_at_risk_takes_it_down_at_once() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (request, _, entry, reference) = published(&be).await;
    let images = images_of(&app, &reference).await;
    // The sought brother, not the enquirer pictured, becomes at risk.
    let page = be.get(&format!("/requests/{request}")).await;
    let sought = page.between("<h3><a href=\"/persons/", "\"").unwrap();
    let form = be.get(&format!("/persons/{sought}/edit")).await;
    let version = form.between("name=\"version\" value=\"", "\"").unwrap();
    let response = be
        .post(
            &format!("/persons/{sought}/edit"),
            &[
                ("version", version.as_str()),
                ("p_name_1", "Omar Khaled Al-Hassan"),
                ("p_at_risk", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_gone(&app, &be, &entry, &reference, &images).await;
}

#[tokio::test]
async fn staff_photo_downloads_are_audited() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, _, entry, _) = published(&be).await;
    let scope = retrace_store::OrgScope::new(story.belgium);
    let count = |entries: &[retrace_store::AuditEntry]| {
        entries
            .iter()
            .filter(|e| e.record.action == "gallery_photo_viewed" && e.record.object_id == entry)
            .count()
    };
    let before = app.store.audit_entries(&scope, 500, None).await.unwrap();
    assert_eq!(count(&before), 0);
    for kind in ["photo.jpg", "thumbnail.jpg"] {
        let (status, _, _) = be
            .get_bytes(&format!("/staff/gallery/{entry}/{kind}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{kind}");
    }
    let after = app.store.audit_entries(&scope, 500, None).await.unwrap();
    assert_eq!(count(&after), 2, "one entry per download");
    // Another organisation's download is refused and writes nothing there.
    let fr = app.signed_in("case@fr.example").await;
    let (status, _, _) = fr
        .get_bytes(&format!("/staff/gallery/{entry}/photo.jpg"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let last = app.store.audit_entries(&scope, 500, None).await.unwrap();
    assert_eq!(count(&last), 2);
}

#[tokio::test]
async fn a_report_form_stamp_is_good_for_one_report() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, _, _, reference) = published(&be).await;
    let visitor = app.client();
    let page = visitor.get(&format!("/gallery/{reference}")).await;
    let stamp = page.between("name=\"stamp\" value=\"", "\"").unwrap();
    app.clock.advance(Duration::from_secs(10));
    let report = |message: &'static str| {
        let stamp = stamp.clone();
        let visitor = &visitor;
        let reference = reference.clone();
        async move {
            visitor
                .post(
                    &format!("/gallery/{reference}/reports"),
                    &[("stamp", stamp.as_str()), ("message", message)],
                )
                .await
        }
    };
    let first = report("I saw him in Calais").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The same stamp again (a bot replaying one solved form) is refused.
    let again = report("I saw him in Calais, again").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let queue = be.get("/staff/reports").await;
    assert_eq!(queue.body.matches("href=\"/staff/reports/").count(), 1);
}

pub async fn visitor_status(app: &TestApp, reference: &str) -> StatusCode {
    app.client()
        .get(&format!("/gallery/{reference}"))
        .await
        .status
}
