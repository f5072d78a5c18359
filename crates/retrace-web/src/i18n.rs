//! Languages: English, French, Arabic (right to left) and Spanish, from
//! Fluent files in `locales/`. A missing key falls back to English.

use axum::http::HeaderMap;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const LANG_COOKIE: &str = "retrace_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
    Ar,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Fr, Lang::Ar, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ar => "ar",
            Lang::Es => "es",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Ar => "العربية",
            Lang::Es => "Español",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            _ => "ltr",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|lang| lang.code() == primary)
    }

    /// The cookie if set, else the first supported language of
    /// `Accept-Language`, else English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(lang) =
            crate::security::cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c))
        {
            return lang;
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .split(',')
                    .filter_map(|part| part.split(';').next())
                    .find_map(Lang::parse)
            })
            .unwrap_or(Lang::En)
    }

    fn identifier(self) -> LanguageIdentifier {
        match self {
            Lang::En => unic_langid::langid!("en"),
            Lang::Fr => unic_langid::langid!("fr"),
            Lang::Ar => unic_langid::langid!("ar"),
            Lang::Es => unic_langid::langid!("es"),
        }
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.identifier(), key)
    }

    /// An audit entry's stored purpose in words when it is one the
    /// platform writes (`audit-purpose-…`); any other as it was stored:
    /// the log is never rewritten.
    pub fn purpose(self, purpose: &str) -> String {
        let key = format!(
            "audit-purpose-{}",
            purpose.to_lowercase().replace([' ', '_'], "-")
        );
        LOCALES
            .try_lookup(&self.identifier(), &key)
            .unwrap_or_else(|| purpose.to_owned())
    }

    /// What is wrong with a value, in this language, its parameters
    /// filled (typed text and codes isolated left to right).
    pub fn problem(self, problem: &retrace_domain::Problem) -> String {
        let key = problem.key();
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        for (name, value) in problem.args() {
            let value = match value {
                retrace_domain::ProblemArg::Number(n) => FluentValue::from(n),
                retrace_domain::ProblemArg::Text(text) => {
                    FluentValue::from(crate::page::ltr(&text))
                }
                retrace_domain::ProblemArg::Words(keys) => FluentValue::from(self.words(&keys)),
            };
            args.insert(Cow::Borrowed(name), value);
        }
        LOCALES.lookup_with_args(&self.identifier(), key, &args)
    }

    /// Choices in this language's words, listed with its comma.
    pub fn words(self, keys: &[&str]) -> String {
        let comma = if self == Lang::Ar { "، " } else { ", " };
        keys.iter()
            .map(|key| self.t(key))
            .collect::<Vec<_>>()
            .join(comma)
    }

    /// A message with parameters: numbers (`Arg::Number`) and text
    /// isolated left to right (`Arg::Text`, typed text such as a column
    /// header), or a message already in this language (`Arg::Words`).
    pub fn t_with(self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let mut values: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        for (name, arg) in args {
            let value = match arg {
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Text(text) => FluentValue::from(crate::page::ltr(text)),
                Arg::Words(words) => FluentValue::from(words.clone()),
            };
            values.insert(Cow::Borrowed(*name), value);
        }
        LOCALES.lookup_with_args(&self.identifier(), key, &values)
    }

    /// A message with a `count` argument, so plural rules apply (Arabic has six forms).
    pub fn t_count(self, key: &str, count: u64) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed("count"), FluentValue::from(count));
        LOCALES.lookup_with_args(&self.identifier(), key, &args)
    }
}

/// A parameter of [`Lang::t_with`].
#[derive(Debug, Clone)]
pub enum Arg {
    Number(i64),
    /// Typed text or a code, isolated left to right.
    Text(String),
    /// Words already in the page's language (a translated problem).
    Words(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_english_key_exists_in_every_language() {
        let english = include_str!("../locales/en/main.ftl");
        let keys: Vec<&str> = english
            .lines()
            .filter(|line| {
                !line.starts_with([' ', '#', '\t', '.', '[', '*', '}']) && line.contains(" =")
            })
            .filter_map(|line| line.split(" =").next())
            .collect();
        assert!(keys.len() > 50, "found only {} keys", keys.len());
        // Plural messages select on `count`; give every lookup one.
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed("count"), FluentValue::from(3));
        // The parameters of validation problems (`error-…`).
        for name in [
            "max", "min", "line", "day", "days", "total", "reached", "referred", "width", "height",
            "cells", "columns", "offset", "index",
        ] {
            args.insert(Cow::Borrowed(name), FluentValue::from(3));
        }
        for name in [
            "value",
            "name",
            "month",
            "choices",
            "expected",
            "from",
            "to",
            "kind",
            "column",
            "format",
            "header",
            "element",
            "namespace",
            "id",
            "own",
            "parent",
            "status",
            "found",
            "domain",
            "where",
            "problem",
        ] {
            args.insert(Cow::Borrowed(name), FluentValue::from("x"));
        }
        for lang in Lang::ALL {
            let missing: Vec<&&str> = keys
                .iter()
                .filter(|key| {
                    LOCALES
                        .try_lookup_complete(&lang.identifier(), key, Some(&args))
                        .is_none()
                })
                .collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn every_audit_action_and_object_kind_reads_as_words() {
        let codes = retrace_domain::AuditAction::ALL
            .iter()
            .map(|action| format!("audit-action-{}", action.as_str()))
            .chain(
                retrace_domain::ObjectKind::ALL
                    .iter()
                    .map(|kind| format!("object-kind-{}", kind.as_str())),
            );
        for key in codes {
            let key = key.replace('_', "-");
            for lang in Lang::ALL {
                assert!(
                    LOCALES
                        .try_lookup_complete(&lang.identifier(), &key, None)
                        .is_some(),
                    "{} lacks {key}",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn arabic_uses_its_plural_forms() {
        assert_ne!(
            Lang::Ar.t_count("recovery-codes-left", 2),
            Lang::Ar.t_count("recovery-codes-left", 11)
        );
        assert_eq!(
            Lang::En.t_count("recovery-codes-left", 1),
            "1 recovery code left"
        );
        assert_eq!(Lang::parse("fr-BE"), Some(Lang::Fr));
        assert_eq!(Lang::Ar.dir(), "rtl");
    }

    #[test]
    fn audit_purposes_read_as_words_and_others_as_stored() {
        assert_eq!(Lang::Fr.purpose("request list"), "liste des demandes");
        assert_eq!(Lang::Es.purpose("person view"), "consulta de una persona");
        assert_eq!(Lang::Ar.purpose("request list"), "قائمة الطلبات");
        assert_eq!(
            Lang::En.purpose("sought persons list"),
            "sought persons list"
        );
        assert_eq!(Lang::Fr.purpose("benchmark"), "benchmark");
    }
}
