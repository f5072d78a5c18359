//! Lists that work (issue 15, item 7) and the duplicate warning (item 6):
//! search, filters, orders and pages on the request and registration
//! lists, candidate and flag columns, assignment and "my requests"; every
//! route against anonymous, the wrong role and another organisation.

use crate::access::create_token;
use crate::harness::{TestApp, TestResponse};
use crate::tracing::{open_request, orgs, register_safe};
use axum::http::StatusCode;

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

fn shape(response: &TestResponse, id: &str) -> (StatusCode, String) {
    (response.status, response.body.replace(id, "ID"))
}

/// The member id offered for `name` in the assignment form.
fn member_option(page: &TestResponse, name: &str) -> Option<String> {
    let select = page.between("<select id=\"assignee\" name=\"assignee\">", "</select>")?;
    select
        .split("<option value=\"")
        .find(|option| option.contains(&format!(">{name}<")))
        .and_then(|option| option.split('"').next())
        .map(str::to_owned)
}

#[tokio::test]
async fn request_lists_show_candidates_and_flags_filter_and_sort() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (request, _) = open_request(&be).await;
    register_safe(&fr, &[]).await;

    let list = be.get("/requests").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Possible matches"), "{}", list.body);
    let row = list
        .between(&format!("<a href=\"/requests/{request}\">"), "</tr>")
        .expect("the request is listed");
    assert!(row.contains("one to review"), "{row}");
    assert!(row.contains("Nobody yet"), "{row}");

    // Filters: a candidate to review, flags; orders are accepted.
    let review = be.get("/requests?review=1").await;
    assert!(review.body.contains(&request));
    let minors = be.get("/requests?flag=minor").await;
    assert_eq!(minors.status, StatusCode::OK);
    assert!(!minors.body.contains(&format!("/requests/{request}\"")));
    for order in ["newest", "oldest", "updated", "alphabetical"] {
        let page = be.get(&format!("/requests?sort={order}")).await;
        assert_eq!(page.status, StatusCode::OK, "{order}");
        assert!(page.body.contains(&request), "{order}");
        assert!(
            page.body
                .contains(&format!("<option value=\"{order}\" selected>")),
            "{order} is shown as chosen"
        );
    }
    let refused = be.get("/requests?sort=shoe-size").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // France sees its registration with its own side of the candidate,
    // and nothing of the Belgian request.
    let registrations = fr.get("/registrations").await;
    assert!(
        registrations.body.contains("one to review"),
        "{}",
        registrations.body
    );
    let french_requests = fr.get("/requests").await;
    assert!(!french_requests.body.contains(&request));

    // The same columns through the API.
    let api = app.api(&create_token(&be).await);
    let json = api.get("/api/v1/requests?review=1").await.json();
    assert_eq!(json["requests"][0]["candidates"], 1);
    assert_eq!(json["requests"][0]["candidates_to_review"], 1);
    assert_eq!(json["requests"][0]["minor"], false);
}

#[tokio::test]
async fn registration_lists_search_filter_and_page() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let fr = app.signed_in("case@fr.example").await;
    let be = app.signed_in("case@be.example").await;
    let person = register_safe(&fr, &[]).await;
    let response = fr
        .post(
            "/registrations",
            &[
                ("kind", "safe"),
                ("p_name_1", "Lina Haddad"),
                ("p_birth_date", "2015"),
                ("p_minor", "on"),
                ("p_nationalities", "SY"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let minor = response
        .location()
        .unwrap()
        .trim_start_matches("/persons/")
        .to_owned();

    let all = fr.get("/registrations").await;
    assert!(all.body.contains("2 registrations"), "{}", all.body);
    let found = fr.get("/registrations?q=lina").await;
    assert!(found.body.contains(&minor) && !found.body.contains(&person));
    let by_name = fr
        .get("/registrations?name=Omar%20Khaled%20Al-Hassan")
        .await;
    assert!(by_name.body.contains(&person), "across scripts");
    let minors = fr.get("/registrations?flag=minor").await;
    assert!(minors.body.contains(&minor) && !minors.body.contains(&person));
    let kind = fr.get("/registrations?kind=looking_for_family").await;
    assert!(!kind.body.contains(&person));
    let alphabetical = fr.get("/registrations?sort=alphabetical").await;
    assert_eq!(alphabetical.status, StatusCode::OK);
    let refused = fr.get("/registrations?kind=lost").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another organisation lists nothing of France's.
    let belgian = be.get("/registrations").await;
    assert!(!belgian.body.contains(&person) && !belgian.body.contains(&minor));

    let api = app.api(&create_token(&fr).await);
    let json = api.get("/api/v1/registrations?flag=minor").await.json();
    assert_eq!(json["total"], 1);
    assert_eq!(json["registrations"][0]["id"], minor.as_str());

    // Anonymous and the wrong role.
    app.client()
        .get("/registrations")
        .await
        .assert_redirect_to_sign_in();
    let outreach = app.signed_in("outreach@be.example").await;
    assert_eq!(
        outreach.get("/registrations?q=lina").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn requests_are_assigned_to_a_caseworker_of_the_same_organisation() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    app.member("admin@be.example", story.belgium, "org_admin")
        .await;
    let french_member = app
        .member("other@fr.example", story.france, "caseworker")
        .await
        .to_string();
    let be = app.signed_in("case@be.example").await;
    let colleague = app.signed_in("case2@be.example").await;
    let (request, _) = open_request(&be).await;
    let page = be.get(&format!("/requests/{request}")).await;
    let case2 = member_option(&page, "Test case2@be.example").expect("case2 is offered");
    assert!(
        member_option(&page, "Test viewer@be.example").is_none(),
        "a viewer is not assignable"
    );

    let assigned = be
        .post(
            &format!("/requests/{request}/assignment"),
            &[("assignee", case2.as_str())],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    let page = be.get(&format!("/requests/{request}")).await;
    assert!(
        page.body.contains("<bdi>Test case2@be.example</bdi>"),
        "{}",
        page.body
    );
    let mine = colleague.get("/requests?assigned=me").await;
    assert!(mine.body.contains(&request));
    assert!(mine.body.contains("aria-current=\"page\">My requests"));
    let not_mine = be.get("/requests?assigned=me").await;
    assert!(!not_mine.body.contains(&format!("/requests/{request}\"")));
    let admin = app.signed_in("admin@be.example").await;
    let log = admin.get("/org/audit").await;
    assert!(log.body.contains("Request assigned"), "{}", log.body);

    // A member of another organisation is refused by field.
    let fr_page = app.signed_in("case@fr.example").await;
    let refused = be
        .post(
            &format!("/requests/{request}/assignment"),
            &[("assignee", french_member.as_str())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // On the request's own page, the choice marked.
    assert!(
        refused.body.contains("id=\"err-assignee\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("href=\"#assignee\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(&format!("/requests/{request}/assignment"))
    );

    // Another organisation's request looks missing.
    let seen = fr_page
        .post(
            &format!("/requests/{request}/assignment"),
            &[("assignee", "")],
        )
        .await;
    let absent = fr_page
        .post(
            &format!("/requests/{MISSING}/assignment"),
            &[("assignee", "")],
        )
        .await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&seen, &request), shape(&absent, MISSING));

    // Wrong roles and anonymous.
    let viewer = app.signed_in("viewer@be.example").await;
    let outreach = app.signed_in("outreach@be.example").await;
    for browser in [&viewer, &outreach] {
        let response = browser
            .post(
                &format!("/requests/{request}/assignment"),
                &[("assignee", "")],
            )
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN);
    }
    let anonymous = app
        .client()
        .post(
            &format!("/requests/{request}/assignment"),
            &[("assignee", "")],
        )
        .await;
    assert!(!anonymous.status.is_success(), "{}", anonymous.status);
    let page = be.get(&format!("/requests/{request}")).await;
    assert!(
        page.body.contains("<bdi>Test case2@be.example</bdi>"),
        "still assigned"
    );

    // Taken back through the API.
    let api = app.api(&create_token(&be).await);
    let response = api
        .post_json(
            &format!("/api/v1/requests/{request}/assignment"),
            r#"{"assignee": ""}"#,
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT, "{}", response.body);
    let json = api.get(&format!("/api/v1/requests/{request}")).await.json();
    assert!(json["assigned_to"].is_null());
}

#[tokio::test]
async fn a_likely_duplicate_is_shown_before_saving_and_saved_only_when_confirmed() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (request, _) = open_request(&be).await;

    let fields = [
        ("e_name_1", "Ahmad Khaled Al-Hassan"),
        ("e_sex", "male"),
        ("e_consent_method", "written"),
        ("e_tracing_consent", "on"),
        ("s_relationship", "brother"),
        ("s_name_1", "Omar Khaled Al-Hasan"),
        ("s_sex", "male"),
        ("s_birth_date", "1994-03-12"),
        ("s_nationalities", "SY"),
        ("s_father_name", "Khaled"),
        ("s_vital_interest", "on"),
        ("c_context", "migration"),
        ("c_place", "Typed place is kept"),
    ];
    let warned = be.post("/requests", &fields).await;
    assert_eq!(warned.status, StatusCode::OK, "{}", warned.body);
    assert!(warned.body.contains("This may already be on file"));
    assert!(
        warned
            .body
            .contains(&format!("href=\"/requests/{request}\"")),
        "a link to the existing request"
    );
    assert!(warned.body.contains("Typed place is kept"));
    assert!(
        warned.body.contains(">BE-"),
        "the reference of the existing request"
    );
    let list = be.get("/requests").await;
    assert!(list.body.contains("One request"), "nothing saved yet");

    // Another organisation is never warned about Belgium's records.
    let french = fr.post("/requests", &fields).await;
    assert_eq!(french.status, StatusCode::SEE_OTHER, "{}", french.body);

    // "A different person": saved.
    let mut confirmed = fields.to_vec();
    confirmed.push(("different_person", "1"));
    let saved = be.post("/requests", &confirmed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let list = be.get("/requests").await;
    assert!(list.body.contains("2 requests"), "{}", list.body);

    // Registrations too.
    let person = register_safe(&fr, &[]).await;
    let again = fr
        .post(
            "/registrations",
            &[
                ("kind", "safe"),
                ("p_name_1", "عمر خالد الحسن"),
                ("p_sex", "male"),
                ("p_birth_date", "1994"),
                ("p_nationalities", "SY"),
                ("p_father_name", "خالد"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(again.body.contains(&format!("href=\"/persons/{person}\"")));
}

/// Opens a Belgian request for `sought` (a minor when `minor`), past the
/// duplicate warning; returns the request id.
async fn open_for(browser: &crate::harness::Client<'_>, sought: &str, minor: bool) -> String {
    let mut fields = vec![
        ("e_name_1", "Rania Saleh"),
        ("e_sex", "female"),
        ("e_tracing_consent", "on"),
        ("e_consent_method", "written"),
        ("s_relationship", "daughter"),
        ("s_name_1", sought),
        ("s_sex", "female"),
        ("s_vital_interest", "on"),
        ("c_context", "migration"),
        ("different_person", "1"),
    ];
    if minor {
        fields.extend([("s_birth_date", "2015"), ("s_minor", "on")]);
    }
    let response = browser.post("/requests", &fields).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    response
        .location()
        .unwrap()
        .trim_start_matches("/requests/")
        .to_owned()
}

#[tokio::test]
async fn sought_persons_are_searched_across_scripts_filtered_and_paged() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (request, omar) = open_request(&be).await;
    let lina_request = open_for(&be, "Lina Saleh", true).await;
    register_safe(&fr, &[]).await;

    let all = be.get("/sought").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(all.body.contains("2 sought persons"), "{}", all.body);
    let row = all
        .between(&format!("<a href=\"/persons/{omar}\">"), "</tr>")
        .expect("Omar is listed");
    assert!(row.contains("Omar Khaled Al-Hassan"), "{row}");
    assert!(row.contains(&format!("/requests/{request}")), "{row}");
    assert!(row.contains("one to review"), "{row}");
    assert!(row.contains("Brother"), "{row}");
    assert!(all.body.contains(&format!("/requests/{lina_request}")));
    // Linked from the request list and the home page.
    assert!(be.get("/requests").await.body.contains("href=\"/sought\""));
    assert!(be.get("/").await.body.contains("href=\"/sought\""));

    let listed = |page: &TestResponse| {
        (
            page.body.contains("Omar Khaled Al-Hassan"),
            page.body.contains("Lina Saleh"),
        )
    };
    let by_name = be
        .get("/sought?name=%D8%B9%D9%85%D8%B1%20%D8%AE%D8%A7%D9%84%D8%AF%20%D8%A7%D9%84%D8%AD%D8%B3%D9%86")
        .await;
    assert_eq!(listed(&by_name), (true, false), "across scripts");
    assert_eq!(listed(&be.get("/sought?q=lina").await), (false, true));
    assert_eq!(listed(&be.get("/sought?flag=minor").await), (false, true));
    assert_eq!(listed(&be.get("/sought?candidates=1").await), (true, false));
    assert_eq!(listed(&be.get("/sought?review=1").await), (true, false));
    assert_eq!(
        listed(&be.get("/sought?status=closed").await),
        (false, false)
    );
    let sorted = be.get("/sought?sort=alphabetical&flag=minor").await;
    assert!(
        sorted
            .body
            .contains("<option value=\"alphabetical\" selected>")
    );
    assert!(sorted.body.contains("<option value=\"minor\" selected>"));
    for refused in [
        "/sought?status=lost",
        "/sought?candidates=yes",
        "/sought?sort=size",
    ] {
        assert_eq!(
            be.get(refused).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{refused}"
        );
    }

    // Page 2, linked from page 1 with the filters kept. The clock moves
    // on: persons opened at the same moment are in no set order.
    app.clock.advance(std::time::Duration::from_secs(1));
    for n in 0..50 {
        open_for(&be, &format!("Daughter Number{n} Saleh"), false).await;
    }
    let first = be.get("/sought?q=saleh").await;
    assert!(first.body.contains("51 sought persons"), "{}", first.body);
    assert_eq!(first.body.matches("<a href=\"/persons/").count(), 50);
    assert!(
        first.body.contains("href=\"/sought?q=saleh&#38;page=2\""),
        "{}",
        first.body
    );
    let second = be.get("/sought?q=saleh&page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body.matches("<a href=\"/persons/").count(), 1);
    assert!(second.body.contains("aria-current=\"page\">2</a>"));
    assert!(!second.body.contains("Omar Khaled Al-Hassan"));
    let everyone = be.get("/sought?page=2&sort=oldest").await;
    assert_eq!(everyone.body.matches("<a href=\"/persons/").count(), 2);
    assert!(
        !everyone.body.contains("Omar Khaled Al-Hassan"),
        "the oldest is on page 1"
    );

    // Another organisation lists none of Belgium's sought persons.
    let french = fr.get("/sought").await;
    assert_eq!(french.status, StatusCode::OK);
    assert!(!french.body.contains(&omar) && !french.body.contains("Lina Saleh"));
    assert!(french.body.contains("0 sought persons"), "{}", french.body);
}

#[tokio::test]
async fn gallery_and_report_lists_search_filter_and_stay_within_the_organisation() {
    use crate::gallery::{published, send_report};
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    // Another Belgian organisation publishes the same family.
    let flanders = app.org("Red Cross Flanders", "BE").await;
    app.member("case@vl.example", flanders, "caseworker").await;
    let vl = app.signed_in("case@vl.example").await;
    let (_, _, other_entry, other_reference) = published(&vl).await;
    let (_, _, entry, reference) = published(&be).await;
    register_safe(&fr, &[]).await;

    let list = be.get("/staff/gallery").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("One entry"), "{}", list.body);
    let row = list
        .between(&format!("<a href=\"/staff/gallery/{entry}\""), "</tr>")
        .expect("the entry is listed");
    assert!(row.contains("Ahmad Khaled Al-Hassan"), "{row}");
    assert!(row.contains("to review"), "{row}");
    assert!(!list.body.contains(&other_entry));

    let shows = |page: &TestResponse| page.body.contains(&format!("/staff/gallery/{entry}\""));
    assert!(shows(&be.get("/staff/gallery?status=published").await));
    assert!(!shows(
        &be.get("/staff/gallery?status=awaiting_approval").await
    ));
    assert!(shows(&be.get("/staff/gallery?q=ahmad").await));
    assert!(shows(
        &be.get(&format!("/staff/gallery?q={}", reference.to_lowercase()))
            .await
    ));
    assert!(!shows(&be.get("/staff/gallery?q=nobody").await));
    assert!(shows(
        &be.get("/staff/gallery?name=%D8%B9%D9%85%D8%B1%20%D8%AE%D8%A7%D9%84%D8%AF%20%D8%A7%D9%84%D8%AD%D8%B3%D9%86")
            .await
    ));
    assert!(shows(
        &be.get("/staff/gallery?candidates=1&sort=alphabetical")
            .await
    ));
    assert!(!shows(&be.get("/staff/gallery?flag=minor").await));
    let second = be.get("/staff/gallery?page=2").await;
    assert!(!shows(&second) && second.body.contains("One entry"));
    assert_eq!(
        be.get("/staff/gallery?status=gone").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Reports from the public: new, then handled.
    let visitor = app.client();
    let sent = send_report(&app, &visitor, &reference, "Je l'ai vu à Lyon").await;
    assert!(sent.status.is_redirection(), "{}", sent.body);
    let sent = send_report(&app, &visitor, &other_reference, "Vu à Calais").await;
    assert!(sent.status.is_redirection(), "{}", sent.body);
    let reports = be.get("/staff/reports").await;
    assert!(reports.body.contains("One report"), "{}", reports.body);
    assert!(reports.body.contains("Ahmad Khaled Al-Hassan"));
    let report = reports
        .between("href=\"/staff/reports/", "\"")
        .expect("the report is linked");
    let listed = |page: &TestResponse| page.body.contains(&format!("/staff/reports/{report}\""));
    assert!(listed(&be.get("/staff/reports?status=new&q=ahmad").await));
    assert!(!listed(&be.get("/staff/reports?status=handled").await));
    let marked = be
        .post(
            &format!("/staff/reports/{report}/status"),
            &[("status", "useful")],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    let handled = be.get("/staff/reports?status=handled&candidates=1").await;
    assert!(listed(&handled), "{}", handled.body);
    assert!(!listed(&be.get("/staff/reports?status=new").await));
    assert!(!listed(&be.get("/staff/reports?flag=at_risk").await));
    assert!(!listed(&be.get("/staff/reports?page=2").await));
    let other = vl.get("/staff/reports").await;
    assert!(other.body.contains("One report") && !listed(&other));
    assert!(!vl.get("/staff/gallery").await.body.contains(&entry));

    // Anonymous and the wrong role, for all three lists.
    let outreach = app.signed_in("outreach@be.example").await;
    for path in ["/sought", "/staff/gallery", "/staff/reports"] {
        app.client().get(path).await.assert_redirect_to_sign_in();
        assert_eq!(
            outreach.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn refused_choices_and_unreadable_queries_read_as_words_of_the_page() {
    let app = TestApp::new().await;
    let visitor = app.client();
    visitor.set_cookie("retrace_lang", "fr");
    let sort = visitor.get("/library?sort=colour").await;
    assert_eq!(
        sort.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        sort.body
    );
    assert!(
        sort.body.contains("les plus pertinents, les plus récents"),
        "{}",
        sort.body
    );
    // On the library's own form, the choice marked, no code in the words.
    let summary = sort
        .between("id=\"form-error\"", "</div>")
        .expect("an error summary");
    assert!(summary.contains(r##"<a href="#sort">"##), "{summary}");
    assert!(!summary.contains("relevance"), "{summary}");
    assert!(
        sort.body
            .contains(r#"id="sort" name="sort" aria-invalid="true""#)
    );
    let directory = visitor
        .get("/directory?country=France&service=magic&city=Lille")
        .await;
    assert_eq!(directory.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        directory.body.contains("Ce formulaire contient 2 erreurs"),
        "{}",
        directory.body
    );
    for control in ["country", "service"] {
        assert!(
            directory.body.contains(&format!("id=\"err-{control}\"")),
            "{control}"
        );
    }
    assert!(directory.body.contains(r#"value="Lille""#));
    let page = visitor.get("/library?page=deux").await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("une valeur n’est pas valide"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("invalid digit"), "{}", page.body);
    // The API keeps the codes and an English sentence, without the
    // parser's words.
    let body = app.client().get("/api/v1/library?sort=colour").await;
    assert!(
        body.body.contains("must be one of relevance, newest"),
        "{}",
        body.body
    );
}

/// Filters that cannot be read come back on the list's own form, every
/// one marked at once in the page's language, the typed values kept, and
/// nothing listed.
#[tokio::test]
async fn unreadable_filters_are_all_marked_on_the_lists_own_form() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (request, _) = open_request(&be).await;
    be.set_cookie("retrace_lang", "fr");
    let list = be
        .get("/requests?nationality=Syrie&from=2026-13-01&sort=colour")
        .await;
    assert_eq!(
        list.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        list.body
    );
    for control in ["nationality", "from", "sort"] {
        assert!(
            list.body.contains(&format!(r##"<a href="#{control}">"##)),
            "{control}: {}",
            list.body
        );
        assert!(
            list.body.contains(&format!("id=\"err-{control}\"")),
            "{control}"
        );
    }
    assert!(
        list.body.contains("Ce formulaire contient 3 erreurs"),
        "{}",
        list.body
    );
    assert!(
        list.body
            .contains(r#"value="Syrie" placeholder="SY" aria-invalid="true""#)
    );
    assert!(!list.body.contains(&format!("/requests/{request}\"")));
    assert!(!list.body.contains("must be"), "{}", list.body);
    for path in [
        "/registrations?kind=ghost&review=yes",
        "/sought?status=lost&candidates=maybe",
        "/staff/gallery?status=hidden",
        "/staff/reports?status=hidden&flag=green",
    ] {
        let list = be.get(path).await;
        assert_eq!(list.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(
            list.body.contains("id=\"form-error\""),
            "{path}: {}",
            list.body
        );
        assert!(list.body.contains("aria-invalid=\"true\""), "{path}");
    }
    // Readable filters still list.
    let list = be.get("/requests?nationality=SY").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("id=\"form-error\""));
}

/// Reading a list is in the audit log; its purpose reads as words in the
/// page's language, not as the English text stored with it.
#[tokio::test]
async fn the_audit_log_names_a_list_read_in_the_pages_language() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin,caseworker")
        .await;
    let admin = app.signed_in("admin@be.example").await;
    open_request(&admin).await;
    assert_eq!(admin.get("/requests").await.status, StatusCode::OK);
    admin.set_cookie("retrace_lang", "fr");
    let log = admin.get("/org/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(
        log.body.contains(">liste des demandes</td>"),
        "{}",
        log.body
    );
    assert!(!log.body.contains(">request list</td>"), "{}", log.body);
}
