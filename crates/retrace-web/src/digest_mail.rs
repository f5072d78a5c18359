//! The e-mail digest put into words: a plain-text part and an HTML part in
//! the member's chosen language (Arabic right to left), from the Fluent
//! files every page uses. Only counts, network post titles and links to
//! the platform: no name, reference or address of anyone
//! (`docs/adr/0029-email-digest.md`). The sending is `retrace-app`'s.

use crate::i18n::Lang;
use askama::Template;
use retrace_app::digest::{Digest, DigestComposer, Mail};
use retrace_domain::DigestLanguage;

/// Writes digests with links under the platform's public address.
pub struct DigestMailComposer {
    base_url: String,
}

impl DigestMailComposer {
    /// `base_url`: what people open, e.g. `https://retrace.example.org`.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }
}

pub fn lang_of(language: DigestLanguage) -> Lang {
    match language {
        DigestLanguage::En => Lang::En,
        DigestLanguage::Fr => Lang::Fr,
        DigestLanguage::Es => Lang::Es,
        DigestLanguage::Ar => Lang::Ar,
    }
}

/// One line of counts.
pub struct CountLine {
    pub label: String,
    pub waiting: u64,
    pub new: String,
}

/// One followed post.
pub struct PostLine {
    pub kind: String,
    pub title: String,
    pub network: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "digest_mail.html")]
struct DigestMailHtml<'a> {
    lang: &'a str,
    dir: &'a str,
    subject: &'a str,
    intro: &'a str,
    counts_title: &'a str,
    counts: &'a [CountLine],
    queue_link: &'a str,
    queue_href: &'a str,
    posts_title: &'a str,
    posts: &'a [PostLine],
    more_posts: Option<(&'a str, &'a str)>,
    why: &'a str,
    change_link: &'a str,
    change_href: &'a str,
}

impl DigestComposer for DigestMailComposer {
    fn compose(&self, digest: &Digest) -> Mail {
        let lang = lang_of(digest.language);
        let base = &self.base_url;
        let subject = lang.t("digest-mail-subject");
        let intro = lang.t("digest-mail-intro");
        let counts: Vec<CountLine> = digest
            .counts
            .iter()
            .filter(|count| count.waiting > 0 || count.new > 0)
            .map(|count| CountLine {
                label: lang.t(&format!(
                    "work-kind-{}",
                    count.kind.as_str().replace('_', "-")
                )),
                waiting: count.waiting,
                new: lang.t_count("digest-mail-new", count.new),
            })
            .collect();
        let posts: Vec<PostLine> = digest
            .posts
            .iter()
            .map(|post| PostLine {
                kind: lang.t(&format!(
                    "network-kind-{}",
                    post.kind.as_str().replace('_', "-")
                )),
                title: post.title.as_str().to_owned(),
                network: post.network.to_string(),
                href: format!("{base}/network-posts/{}", post.id),
            })
            .collect();
        let counts_title = lang.t("digest-mail-counts-title");
        let queue_link = lang.t("digest-mail-open-queue");
        let queue_href = format!("{base}/notifications");
        let posts_title = lang.t("digest-mail-posts-title");
        let more_posts_text = lang.t("digest-mail-more-posts");
        let more_posts_href = format!("{base}/networks");
        let why = lang.t(match digest.frequency {
            retrace_domain::DigestFrequency::Daily => "digest-mail-why-daily",
            retrace_domain::DigestFrequency::Weekly => "digest-mail-why-weekly",
        });
        let change_link = lang.t("digest-mail-change");
        let change_href = format!("{base}/account/digest");

        let mut text = format!("{subject}\n\n{intro}\n");
        if !counts.is_empty() {
            text.push_str(&format!("\n{counts_title}\n"));
            for line in &counts {
                text.push_str(&format!(
                    "- {}: {} ({})\n",
                    line.label, line.waiting, line.new
                ));
            }
            text.push_str(&format!("{queue_link}: {queue_href}\n"));
        }
        if !posts.is_empty() {
            text.push_str(&format!("\n{posts_title}\n"));
            for post in &posts {
                text.push_str(&format!(
                    "- {} · {} · {}\n  {}\n",
                    post.kind, post.title, post.network, post.href
                ));
            }
            if digest.more_posts {
                text.push_str(&format!("{more_posts_text}: {more_posts_href}\n"));
            }
        }
        text.push_str(&format!("\n--\n{why}\n{change_link}: {change_href}\n"));

        let html = DigestMailHtml {
            lang: lang.code(),
            dir: lang.dir(),
            subject: &subject,
            intro: &intro,
            counts_title: &counts_title,
            counts: &counts,
            queue_link: &queue_link,
            queue_href: &queue_href,
            posts_title: &posts_title,
            posts: &posts,
            more_posts: digest
                .more_posts
                .then_some((more_posts_text.as_str(), more_posts_href.as_str())),
            why: &why,
            change_link: &change_link,
            change_href: &change_href,
        }
        .render()
        // The template has no fallible part; should it fail, the plain
        // text, escaped, still carries everything.
        .unwrap_or_else(|_| {
            let escaped = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!("<pre>{escaped}</pre>")
        });
        Mail {
            subject,
            text,
            html,
            language: lang.code(),
        }
    }
}
