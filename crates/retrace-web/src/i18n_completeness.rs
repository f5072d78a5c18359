//! The translation completeness test (issue 15): every key in every
//! language, no value left in English where a translation is due, every
//! key a template names present, and every validation problem read in
//! every language with its parameters filled and no raw code shown.

use crate::i18n::Lang;
use retrace_domain::Problem;
use std::collections::BTreeMap;

const FILES: [(Lang, &str); 4] = [
    (Lang::En, include_str!("../locales/en/main.ftl")),
    (Lang::Fr, include_str!("../locales/fr/main.ftl")),
    (Lang::Es, include_str!("../locales/es/main.ftl")),
    (Lang::Ar, include_str!("../locales/ar/main.ftl")),
];

/// Keys whose translation is rightly the English text: words spelled
/// alike ("Contact", "Note", "Version"), names ("Trace the Face").
const SAME_AS_ENGLISH: [(Lang, &[&str]); 3] = [
    (
        Lang::Fr,
        &[
            "practice-field-date",
            "practice-field-org",
            "practice-stage-destination",
            "practice-stage-transit",
            "practice-support-information",
            "practice-support-protection",
            "nav-organisations",
            "menu",
            "field-code",
            "card-organisations-title",
            "actions",
            "action",
            "organisations-title",
            "organisation",
            "label-org",
            "contact",
            "field-message",
            "field-note",
            "field-version",
            "field-body",
            "field-date",
            "flags",
            "pagination",
            "context-migration",
            "name-kind-alias",
            "relationship-fiance",
            "transfer-part-note",
            "gallery-title",
            "gallery-pages",
            "gallery-entry-title",
            "stage-identification",
            "stage-assistance",
            "urgency-urgent",
            "service-documents",
            "referral-parties",
            "referral-field-action",
            "directory-field-kind",
            "directory-field-service",
            "directory-field-description",
            "directory-field-version",
            "visibility-public",
            "entry-kind-police",
            "country-version",
            "country-history",
            "profile-section-sources",
            "profile-section-version",
            "outreach-field-service",
            "outreach-field-notes",
            "outreach-place-squat",
            "outreach-place-camp",
            "outreach-version",
            "outreach-conflict-versions",
            "object-kind-organisation",
            "object-kind-installation",
            "object-kind-export",
            "object-kind-document",
            "notifications-title",
        ],
    ),
    (
        Lang::Es,
        &[
            "no",
            "error-generic",
            "name-kind-alias",
            "gallery-title",
            "gallery-entry-title",
            "report-status-spam",
            "tool-no",
            "pfif-problem-at",
        ],
    ),
    (
        Lang::Ar,
        &["gallery-title", "gallery-entry-title", "pfif-problem-at"],
    ),
];

/// The messages of a Fluent file by key, each value with its
/// continuation lines.
fn messages(source: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if line.starts_with(|c: char| c.is_ascii_lowercase())
            && let Some((key, value)) = line.split_once(" =")
        {
            map.insert(key.to_owned(), value.trim().to_owned());
            current = Some(key.to_owned());
        } else if line.starts_with(' ') {
            if let Some(value) = current.as_ref().and_then(|key| map.get_mut(key)) {
                value.push('\n');
                value.push_str(line.trim());
            }
        } else {
            current = None;
        }
    }
    map
}

fn all_messages() -> Vec<(Lang, BTreeMap<String, String>)> {
    FILES
        .iter()
        .map(|(lang, source)| (*lang, messages(source)))
        .collect()
}

/// A raw code left in text: `closure_reason`, `vital_interest`.
fn snake_case_word(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|word| {
            word.contains('_')
                && word
                    .split('_')
                    .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase()))
        })
}

#[test]
fn every_key_is_translated_in_every_language() {
    let all = all_messages();
    let english = &all[0].1;
    assert!(english.len() > 1000, "found only {} keys", english.len());
    let mut failures = Vec::new();
    for (lang, messages) in &all[1..] {
        let allowed: &[&str] = SAME_AS_ENGLISH
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, keys)| *keys)
            .unwrap_or_default();
        for (key, value) in english {
            match messages.get(key) {
                None => failures.push(format!("{}: {key} is missing", lang.code())),
                Some(translated) if translated == value && !allowed.contains(&key.as_str()) => {
                    failures.push(format!("{}: {key} is the English text", lang.code()));
                }
                Some(_) => {}
            }
        }
        for key in messages.keys() {
            if !english.contains_key(key) {
                failures.push(format!("{}: {key} is not an English key", lang.code()));
            }
        }
        for key in allowed {
            if messages.get(*key) != english.get(*key) {
                failures.push(format!(
                    "{}: {key} is translated now: take it off SAME_AS_ENGLISH",
                    lang.code()
                ));
            }
        }
    }
    for (lang, messages) in &all {
        for (key, value) in messages {
            if let Some(word) = snake_case_word(value) {
                failures.push(format!("{}: {key} shows the code {word}", lang.code()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_key_a_template_names_exists_in_every_language() {
    let all = all_messages();
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut failures = Vec::new();
    let mut walked = 0;
    let entries = std::fs::read_dir(&directory).expect("templates directory");
    for entry in entries {
        let path = entry.expect("template entry").path();
        if path.extension().is_none_or(|ext| ext != "html") {
            continue;
        }
        walked += 1;
        let source = std::fs::read_to_string(&path).expect("template text");
        for key in template_keys(&source) {
            for (lang, messages) in &all {
                if !messages.contains_key(&key) {
                    failures.push(format!(
                        "{}: {key} (named by {}) is missing",
                        lang.code(),
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(walked > 50, "walked only {walked} templates");
    // The codes templates show through `page.label(group, code)`.
    let coded = [
        (
            "relationship",
            retrace_domain::Relationship::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "name-kind",
            retrace_domain::NameKind::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        ),
        (
            "sex",
            retrace_domain::Sex::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        ),
        (
            "context",
            retrace_domain::SeparationContext::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        ),
        (
            "closure",
            retrace_domain::ClosureReason::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        ),
        (
            "method",
            retrace_domain::ConsentMethod::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        ),
        (
            "purpose",
            retrace_domain::ConsentPurpose::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        ),
        ("status", crate::forms::STATUS_CODES.to_vec()),
    ];
    for (group, codes) in coded {
        for code in codes {
            let key = format!("{group}-{}", code.replace(['_', ' '], "-"));
            for (lang, messages) in &all {
                if !messages.contains_key(&key) {
                    failures.push(format!("{}: {key} is missing", lang.code()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The literal keys of `t("…")`, `t_count("…", …)` and `label("group",
/// "code")` in a template.
fn template_keys(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for (call, is_label) in [("t(\"", false), ("t_count(\"", false), ("label(\"", true)] {
        let mut rest = source;
        while let Some(at) = rest.find(call) {
            let preceded_by_word = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            rest = &rest[at + call.len()..];
            if preceded_by_word {
                continue;
            }
            let Some(end) = rest.find('"') else { break };
            let first = &rest[..end];
            if !is_label {
                keys.push(first.to_owned());
                continue;
            }
            // `label("group", "code")`: only a literal code names a key.
            let after = &rest[end + 1..];
            if let Some(code) = after
                .strip_prefix(", \"")
                .and_then(|code| code.split_once('"'))
                .map(|(code, _)| code)
            {
                keys.push(format!("{first}-{}", code.replace(['_', ' '], "-")));
            }
        }
    }
    keys
}

#[test]
fn every_validation_problem_reads_as_words_in_every_language() {
    let mut failures = Vec::new();
    for problem in Problem::examples() {
        let english = Lang::En.problem(&problem);
        for lang in Lang::ALL {
            let text = lang.problem(&problem);
            let shown = text.replace(['\u{2066}', '\u{2069}'], "");
            if shown.contains('{') || shown.contains('$') {
                failures.push(format!("{}: {problem:?} left {shown:?}", lang.code()));
            }
            if let Some(word) = snake_case_word(&shown) {
                failures.push(format!(
                    "{}: {problem:?} shows the code {word}",
                    lang.code()
                ));
            }
            if shown.trim().is_empty() || shown.starts_with("error-") {
                failures.push(format!("{}: {problem:?} has no message", lang.code()));
            }
            if lang != Lang::En && text == english {
                failures.push(format!("{}: {problem:?} is in English", lang.code()));
            }
            for (name, value) in problem.args() {
                let value = match value {
                    retrace_domain::ProblemArg::Number(n) => n.to_string(),
                    retrace_domain::ProblemArg::Text(text) => text,
                    retrace_domain::ProblemArg::Words(keys) => lang.words(&keys),
                };
                if !shown.contains(&value) {
                    failures.push(format!(
                        "{}: {problem:?} does not show its {name} {value}",
                        lang.code()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn choices_of_a_refusal_read_as_words_in_every_language() {
    let mut failures = Vec::new();
    for choice in retrace_domain::Choice::ALL {
        let english = Lang::En.t(choice.key());
        for lang in Lang::ALL {
            let words = lang.t(choice.key());
            if words == choice.key() || words.trim().is_empty() {
                failures.push(format!("{}: {choice:?} has no words", lang.code()));
            }
            if let Some(word) = snake_case_word(&words) {
                failures.push(format!("{}: {choice:?} shows the code {word}", lang.code()));
            }
            if lang != Lang::En && words == english {
                failures.push(format!("{}: {choice:?} is in English", lang.code()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let problem = Problem::OneOf {
        choices: vec![
            retrace_domain::Choice::InProgress,
            retrace_domain::Choice::Closed,
        ],
    };
    let french = Lang::Fr.problem(&problem);
    assert!(french.contains("en cours, clos"), "{french}");
    assert!(!french.contains("in_progress"), "{french}");
    let arabic = Lang::Ar.problem(&problem);
    assert!(arabic.contains("قيد التنفيذ، مغلق"), "{arabic}");
    let detail = Problem::Unreadable {
        detail: retrace_domain::Unparsed::WrongType,
    };
    for lang in [Lang::Fr, Lang::Es, Lang::Ar] {
        let text = lang.problem(&detail);
        assert!(!text.contains("type:") && !text.contains("wrong"), "{text}");
    }
}

#[test]
fn the_checks_catch_what_they_look_for() {
    assert_eq!(
        snake_case_word("Motif: closure_reason requis"),
        Some("closure_reason")
    );
    assert_eq!(snake_case_word("BE-2026-00042 · +01:00"), None);
    assert_eq!(
        template_keys(
            r#"{{ page.t("a-key") }} {{ page.label("sex", "female") }} {{ page.label("sex", s.sex) }} {{ format("x") }}"#
        ),
        vec!["a-key".to_owned(), "sex-female".to_owned()]
    );
    let parsed = messages("a = one\nb =\n    { $count ->\n       *[other] x\n    }\n\n# c = no\n");
    assert_eq!(parsed.len(), 2);
    assert!(parsed["b"].contains("*[other] x"));
}
