//! Generated tracing data for the demo: families from Syria, Iraq, Sudan,
//! Afghanistan, Eritrea, Ukraine and Somalia, their names in Latin and in
//! their own script (Arabic, Persian, Ge'ez, Cyrillic in Ukrainian and
//! Russian forms) with spelling variants; tracing requests with partial
//! dates, circumstances, consents and status changes; and self-registrations
//! in other organisations that are the same people written differently, or
//! near misses. Every person is generated from `demo_names.txt` with a
//! seeded random generator: nobody real is described.
//!
//! Self-contained (no `crate::` paths) so that the benchmark example can
//! include it with `#[path]` and generate the same data at scale.

use anyhow::Context;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use retrace_domain::{
    AgeEstimate, Circumstances, ClosureReason, ConsentBasis, ConsentGiver, ConsentMethod,
    CountryCode, LastNews, LawfulBasis, NameInput, NameKind, NewConsent, OrgId, PartialDate,
    PersonDetails, PersonName, RegistrationKind, Relationship, RequestStatus, SeparationContext,
    Sex, SharingScope, Text, Timestamp, UserId,
};
use retrace_store::{AuditContext, NewRequest, OrgScope, Store};
use std::collections::HashMap;

const NAMES: &str = include_str!("demo_names.txt");
const DAY_MS: i64 = 86_400_000;
const LATIN: Writing = Writing {
    native: false,
    variant: 0,
};

/// One name with its spellings in Latin letters and in its own script, and
/// for Slavic given names the patronymics derived from it.
#[derive(Debug, Clone)]
struct Spelling {
    latin: Vec<String>,
    native: Vec<String>,
    /// (Latin masculine, Latin feminine, native masculine, native feminine).
    patronymic: Option<[String; 4]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// given, father, grandfather, family name.
    Family,
    /// given, father, grandfather: no family name.
    Chain,
    /// given, patronymic, family name.
    Slavic,
}

#[derive(Debug, Clone)]
struct Origin {
    code: &'static str,
    nationality: CountryCode,
    naming: Naming,
    language: String,
    years: (i32, i32),
    contexts: Vec<SeparationContext>,
    male: Vec<Spelling>,
    female: Vec<Spelling>,
    family: Vec<Spelling>,
    places: Vec<String>,
    separations: Vec<String>,
    routes: Vec<Vec<CountryCode>>,
}

/// The parsed name tables.
pub struct Tables {
    origins: Vec<Origin>,
}

fn leak(text: &str) -> &'static str {
    // Origin codes are two letters out of a handful: kept as constants.
    match text {
        "SY" => "SY",
        "IQ" => "IQ",
        "SD" => "SD",
        "AF" => "AF",
        "ER" => "ER",
        "UA" => "UA",
        "SO" => "SO",
        _ => "??",
    }
}

impl Tables {
    pub fn parse() -> anyhow::Result<Self> {
        let mut origins: Vec<Origin> = Vec::new();
        for (number, raw) in NAMES.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let context = || format!("demo_names.txt line {}: {line}", number + 1);
            let (keyword, rest) = line.split_once(' ').with_context(context)?;
            let rest = rest.trim();
            if keyword == "origin" {
                origins.push(Origin {
                    code: leak(rest),
                    nationality: CountryCode::parse(rest).with_context(context)?,
                    naming: Naming::Family,
                    language: String::new(),
                    years: (2015, 2024),
                    contexts: Vec::new(),
                    male: Vec::new(),
                    female: Vec::new(),
                    family: Vec::new(),
                    places: Vec::new(),
                    separations: Vec::new(),
                    routes: Vec::new(),
                });
                continue;
            }
            let origin = origins.last_mut().with_context(context)?;
            match keyword {
                "naming" => {
                    origin.naming = match rest {
                        "family" => Naming::Family,
                        "chain" => Naming::Chain,
                        "slavic" => Naming::Slavic,
                        _ => anyhow::bail!("{}: unknown naming", context()),
                    }
                }
                "language" => origin.language = rest.to_owned(),
                "years" => {
                    let mut parts = rest.split_whitespace().map(str::parse::<i32>);
                    match (parts.next(), parts.next()) {
                        (Some(Ok(from)), Some(Ok(to))) if from <= to => origin.years = (from, to),
                        _ => anyhow::bail!("{}: years FROM TO", context()),
                    }
                }
                "context" => {
                    for code in rest.split_whitespace() {
                        origin
                            .contexts
                            .push(SeparationContext::parse(code).with_context(context)?);
                    }
                }
                "male" | "female" | "family" => {
                    let spelling = parse_spelling(rest).with_context(context)?;
                    match keyword {
                        "male" => origin.male.push(spelling),
                        "female" => origin.female.push(spelling),
                        _ => origin.family.push(spelling),
                    }
                }
                "place" => origin.places.push(rest.to_owned()),
                "separation" => origin.separations.push(rest.to_owned()),
                "route" => origin.routes.push(
                    rest.split_whitespace()
                        .map(CountryCode::parse)
                        .collect::<Result<Vec<_>, _>>()
                        .with_context(context)?,
                ),
                _ => anyhow::bail!("{}: unknown keyword", context()),
            }
        }
        for origin in &origins {
            let complete = !origin.male.is_empty()
                && !origin.female.is_empty()
                && !origin.places.is_empty()
                && !origin.separations.is_empty()
                && !origin.routes.is_empty()
                && !origin.contexts.is_empty()
                && (origin.naming == Naming::Chain || !origin.family.is_empty())
                && (origin.naming != Naming::Slavic
                    || origin.male.iter().all(|m| m.patronymic.is_some()));
            if !complete {
                anyhow::bail!("demo_names.txt: origin {} is incomplete", origin.code);
            }
        }
        if origins.is_empty() {
            anyhow::bail!("demo_names.txt: no origin");
        }
        Ok(Self { origins })
    }

    fn origin_index(&self, code: &str) -> Option<usize> {
        self.origins.iter().position(|o| o.code == code)
    }
}

fn parse_spelling(text: &str) -> anyhow::Result<Spelling> {
    let (names, patronymic) = match text.split_once(';') {
        Some((names, patronymic)) => (names, Some(patronymic)),
        None => (text, None),
    };
    let (latin, native) = names.split_once('=').context("LATIN = NATIVE")?;
    let variants = |side: &str| -> Vec<String> {
        side.split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let latin = variants(latin);
    let native = variants(native);
    if latin.is_empty() || native.is_empty() {
        anyhow::bail!("a name needs a Latin and a native spelling");
    }
    let patronymic = match patronymic {
        Some(text) => {
            let (latin, native) = text.split_once('=').context("PATRONYMICS = NATIVE")?;
            let words: Vec<String> = latin
                .split_whitespace()
                .chain(native.split_whitespace())
                .map(str::to_owned)
                .collect();
            let [a, b, c, d]: [String; 4] = words
                .try_into()
                .map_err(|_| anyhow::anyhow!("four patronymics"))?;
            Some([a, b, c, d])
        }
        None => None,
    };
    Ok(Spelling {
        latin,
        native,
        patronymic,
    })
}

/// How a record writes a person's names: Latin letters or the person's own
/// script, and which of the listed spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Writing {
    native: bool,
    variant: usize,
}

impl Spelling {
    fn get(&self, writing: Writing) -> &str {
        let list = if writing.native {
            &self.native
        } else {
            &self.latin
        };
        list.get(writing.variant % list.len())
            .or(list.first())
            .map(String::as_str)
            .unwrap_or_default()
    }

    fn patronymic(&self, writing: Writing, sex: Sex) -> &str {
        let Some(forms) = &self.patronymic else {
            return "";
        };
        let index = usize::from(writing.native) * 2 + usize::from(sex == Sex::Female);
        forms.get(index).map(String::as_str).unwrap_or_default()
    }
}

/// One member of a generated family.
#[derive(Debug, Clone)]
struct Member {
    sex: Sex,
    given: usize,
    father: usize,
    grandfather: usize,
    family: Option<usize>,
    birth: (i32, u8, u8),
}

#[derive(Debug, Clone)]
struct Family {
    origin: usize,
    father: Member,
    mother: Member,
    children: Vec<Member>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Father,
    Mother,
    Child(usize),
}

impl Family {
    fn member(&self, role: Role) -> &Member {
        match role {
            Role::Father => &self.father,
            Role::Mother => &self.mother,
            Role::Child(n) => self.children.get(n).unwrap_or(&self.father),
        }
    }
}

fn relationship(family: &Family, enquirer: Role, sought: Role) -> Relationship {
    let sought_female = family.member(sought).sex == Sex::Female;
    match (enquirer, sought) {
        (Role::Child(_), Role::Child(_)) if sought_female => Relationship::Sister,
        (Role::Child(_), Role::Child(_)) => Relationship::Brother,
        (Role::Child(_), Role::Father) => Relationship::Father,
        (Role::Child(_), Role::Mother) => Relationship::Mother,
        (Role::Father | Role::Mother, Role::Child(_)) if sought_female => Relationship::Daughter,
        (Role::Father | Role::Mother, Role::Child(_)) => Relationship::Son,
        (Role::Father, _) => Relationship::Wife,
        (Role::Mother, _) => Relationship::Husband,
    }
}

/// A demo organisation as the generator needs it.
#[derive(Debug, Clone)]
pub struct GenOrg {
    pub id: OrgId,
    pub slug: String,
    pub country: CountryCode,
    /// The caseworker in whose name consents are recorded.
    pub actor: UserId,
}

/// How many requests each kind of organisation opens, and for whom.
fn org_profile(slug: &str) -> (u32, &'static [&'static str]) {
    match slug {
        "redcross-be" => (30, &["SY", "AF", "ER", "IQ", "UA", "SO", "SD"]),
        "redcross-fr" => (25, &["SD", "AF", "SY", "ER", "UA", "SO", "IQ"]),
        "icrc-lb" => (20, &["SY", "SY", "IQ", "SD"]),
        "iom-it" => (17, &["ER", "SD", "SO", "AF"]),
        "reception-be" => (4, &["AF", "SY", "ER"]),
        "safepassage-gr" => (4, &["AF", "SY", "IQ"]),
        _ => (5, &["SY", "AF", "ER", "UA", "SD", "SO", "IQ"]),
    }
}

fn cities(country: &str) -> &'static [&'static str] {
    match country {
        "BE" => &[
            "Petit-Château reception centre, Brussels",
            "Liège",
            "Antwerp",
            "Ghent",
        ],
        "FR" => &[
            "Centre d'accueil de Lyon",
            "Paris, Porte de la Chapelle",
            "Calais",
            "Marseille",
        ],
        "LB" => &["Beirut", "Bekaa valley, Zahlé", "Tripoli, Lebanon", "Akkar"],
        "IT" => &["Rome", "Catania", "Lampedusa hotspot", "Milan", "Crotone"],
        "GR" => &["Athens", "Mavrovouni camp, Lesbos", "Thessaloniki", "Samos"],
        _ => &["Geneva"],
    }
}

fn phone(rng: &mut StdRng, country: &str) -> String {
    let prefix = match country {
        "BE" => "+32 47",
        "FR" => "+33 6",
        "LB" => "+961 71",
        "IT" => "+39 32",
        "GR" => "+30 69",
        _ => "+41 79",
    };
    format!(
        "{prefix}{} {:02} {:02} {:02}",
        rng.gen_range(0..10),
        rng.gen_range(0..100),
        rng.gen_range(0..100),
        rng.gen_range(0..100)
    )
}

const NEWS_SOURCES: &[&str] = &[
    "phone call",
    "WhatsApp message",
    "a fellow traveller",
    "Facebook message",
    "a cousin in Germany",
    "a neighbour who stayed behind",
    "voice message from an unknown number",
];

const MARKS: &[&str] = &[
    "scar on the left hand",
    "burn mark on the right forearm",
    "walks with a limp",
    "missing front tooth",
    "birthmark on the neck",
];

/// A request ready to be stored, with what follows it.
pub struct PlannedRequest {
    pub org: usize,
    pub at: Timestamp,
    pub new: NewRequest,
    pub enquirer_consent: Option<NewConsent>,
    /// One per sought person, in order.
    pub sought_consents: Vec<Option<NewConsent>>,
    /// Status changes after creation, in order.
    pub statuses: Vec<(RequestStatus, Timestamp)>,
    family: Family,
    enquirer_role: Role,
    sought_roles: Vec<Role>,
    writing: Writing,
}

/// A self-registration ready to be stored.
pub struct PlannedRegistration {
    pub org: usize,
    pub at: Timestamp,
    pub kind: RegistrationKind,
    pub details: PersonDetails,
    pub consents: Vec<NewConsent>,
    /// True for the same person as a sought one (a planted match).
    pub true_match: bool,
}

/// The generator: deterministic for a seed, a set of organisations and the
/// moment "now".
pub struct Generator<'t> {
    tables: &'t Tables,
    orgs: Vec<GenOrg>,
    weights: Vec<u32>,
    rng: StdRng,
    now: Timestamp,
    this_year: i32,
    /// Requests open for this many days back at most.
    span_days: i64,
}

impl<'t> Generator<'t> {
    pub fn new(tables: &'t Tables, orgs: Vec<GenOrg>, seed: u64, now: Timestamp) -> Self {
        let weights = orgs.iter().map(|o| org_profile(&o.slug).0).collect();
        let this_year = now.to_offset_date_time().year();
        Self {
            tables,
            orgs,
            weights,
            rng: StdRng::seed_from_u64(seed),
            now,
            this_year,
            span_days: 540,
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.choose(&mut self.rng)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    fn origin(&self, index: usize) -> Option<&'t Origin> {
        self.tables.origins.get(index)
    }

    fn pick_org(&mut self) -> usize {
        let total: u32 = self.weights.iter().sum();
        let mut roll = self.rng.gen_range(0..total.max(1));
        for (index, weight) in self.weights.iter().enumerate() {
            if roll < *weight {
                return index;
            }
            roll -= weight;
        }
        0
    }

    fn birth(&mut self, from: i32, to: i32) -> (i32, u8, u8) {
        let year = self.rng.gen_range(from..=to.max(from));
        (
            year,
            self.rng.gen_range(1..=12),
            self.rng.gen_range(1..=28_u8),
        )
    }

    fn member(&mut self, origin: &Origin, sex: Sex, father: usize, born: (i32, i32)) -> Member {
        let given = match sex {
            Sex::Female => self.rng.gen_range(0..origin.female.len()),
            _ => self.rng.gen_range(0..origin.male.len()),
        };
        let birth = self.birth(born.0, born.1);
        let males = origin.male.len().max(1);
        let mut grandfather = self.rng.gen_range(0..males);
        if grandfather == father {
            grandfather = (grandfather + 1) % males;
        }
        Member {
            sex,
            given,
            father,
            grandfather,
            family: (!origin.family.is_empty()).then(|| self.rng.gen_range(0..origin.family.len())),
            birth,
        }
    }

    fn family(&mut self, origin_index: usize) -> Option<Family> {
        let origin = self.origin(origin_index)?;
        let grandfather = self.rng.gen_range(0..origin.male.len());
        let mut father = self.member(origin, Sex::Male, grandfather, (1955, 1988));
        if father.given == grandfather {
            father.given = (father.given + 1) % origin.male.len().max(1);
        }
        let mother_father = self.rng.gen_range(0..origin.male.len());
        let (fy, _, _) = father.birth;
        let mut mother = self.member(origin, Sex::Female, mother_father, (fy - 2, fy + 6));
        if origin.naming == Naming::Slavic {
            // A Ukrainian wife usually takes the family name.
            mother.family = father.family;
        }
        let (my, _, _) = mother.birth;
        let first = my + 18;
        let last = (my + 42).min(self.this_year - 1);
        let count = self.rng.gen_range(1..=5);
        let mut children: Vec<Member> = Vec::new();
        for _ in 0..count {
            let sex = if self.chance(0.5) {
                Sex::Male
            } else {
                Sex::Female
            };
            let mut child = self.member(origin, sex, father.given, (first, last.max(first)));
            child.grandfather = father.father;
            child.family = father.family;
            // Siblings do not share a given name.
            if children
                .iter()
                .any(|c| c.sex == child.sex && c.given == child.given)
            {
                continue;
            }
            children.push(child);
        }
        children.sort_by_key(|c| c.birth);
        Some(Family {
            origin: origin_index,
            father,
            mother,
            children,
        })
    }

    fn writing(&mut self, native_share: f64) -> Writing {
        Writing {
            native: self.chance(native_share),
            variant: if self.chance(0.7) {
                0
            } else {
                self.rng.gen_range(1..4)
            },
        }
    }

    fn name(
        &self,
        origin: &Origin,
        member: &Member,
        writing: Writing,
        kind: NameKind,
        with_grandfather: bool,
    ) -> anyhow::Result<PersonName> {
        let list = |sex: Sex| {
            if sex == Sex::Female {
                &origin.female
            } else {
                &origin.male
            }
        };
        let spell = |list: &[Spelling], index: usize| -> String {
            list.get(index)
                .map(|s| s.get(writing).to_owned())
                .unwrap_or_default()
        };
        let given = spell(list(member.sex), member.given);
        let family = member
            .family
            .map(|f| spell(&origin.family, f))
            .unwrap_or_default();
        let (father, grandfather) = match origin.naming {
            Naming::Slavic => {
                let patronymic = if writing.native {
                    origin
                        .male
                        .get(member.father)
                        .map(|s| s.patronymic(writing, member.sex).to_owned())
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                (patronymic, String::new())
            }
            Naming::Chain => (
                spell(&origin.male, member.father),
                spell(&origin.male, member.grandfather),
            ),
            Naming::Family => (
                spell(&origin.male, member.father),
                if with_grandfather {
                    spell(&origin.male, member.grandfather)
                } else {
                    String::new()
                },
            ),
        };
        Ok(PersonName::parse(&NameInput {
            full: "",
            kind,
            given: &given,
            father: &father,
            grandfather: &grandfather,
            family: &family,
        })?)
    }

    fn birth_date(&mut self, birth: (i32, u8, u8)) -> (Option<PartialDate>, Option<AgeEstimate>) {
        let (y, m, d) = birth;
        let text = match self.rng.gen_range(0..100) {
            0..30 => format!("{y:04}-{m:02}-{d:02}"),
            30..40 => format!("{y:04}-{m:02}"),
            40..70 => format!("{y:04}"),
            70..84 => format!("~{:04}", y + self.rng.gen_range(-1..=1)),
            // The default date an office writes when only the year is known.
            84..87 => format!("{y:04}-01-01"),
            87..98 => {
                let on_year = self.this_year - self.rng.gen_range(0..2);
                let age = (on_year - y + self.rng.gen_range(-2..=2)).clamp(0, 110);
                let on = PartialDate::parse(&format!("{on_year:04}-{:02}", m.min(12))).ok();
                let estimate =
                    on.and_then(|on| AgeEstimate::new(u32::try_from(age).ok()?, on).ok());
                return (None, estimate);
            }
            _ => return (None, None),
        };
        (PartialDate::parse(&text).ok(), None)
    }

    #[allow(clippy::too_many_arguments, reason = "one per aspect of the record")]
    fn details(
        &mut self,
        family: &Family,
        role: Role,
        writing: Writing,
        enquirer: bool,
        where_now: Option<&str>,
        contact_country: Option<&str>,
    ) -> anyhow::Result<PersonDetails> {
        let origin = self.origin(family.origin).context("demo: unknown origin")?;
        let member = family.member(role).clone();
        let with_grandfather = self.chance(0.3);
        let mut names =
            vec![self.name(origin, &member, writing, NameKind::Birth, with_grandfather)?];
        if self.chance(0.3) {
            let other = Writing {
                native: !writing.native,
                variant: 0,
            };
            names.push(self.name(origin, &member, other, NameKind::Transliteration, false)?);
        }
        if origin.naming == Naming::Family && self.chance(0.1) {
            // The short form people use: given and family name only.
            let mut short = member.clone();
            short.father = usize::MAX;
            if let Ok(name) = self.name(origin, &short, writing, NameKind::ShortForm, false) {
                names.push(name);
            }
        }
        let mut details = PersonDetails::new(names, member.sex)?;
        let (birth_date, age_estimate) = self.birth_date(member.birth);
        details.birth_date = birth_date;
        details.age_estimate = age_estimate;
        if self.chance(0.5) {
            let place = self.pick(&origin.places).cloned().unwrap_or_default();
            details.birth_place = Text::optional("birth_place", &place, 200)?;
        }
        details.nationalities = vec![origin.nationality];
        if self.chance(0.7) {
            details.languages = vec![Text::parse("language", &origin.language, 60, false)?];
        }
        if self.chance(0.6)
            && let Some(father) = origin.male.get(member.father)
        {
            details.father_name = Text::optional("father_name", father.get(writing), 200)?;
        }
        if self.chance(0.3) {
            let mother = &family.mother;
            let mother_name = origin
                .female
                .get(mother.given)
                .map(|s| s.get(writing).to_owned())
                .unwrap_or_default();
            if role != Role::Mother {
                details.mother_name = Text::optional("mother_name", &mother_name, 200)?;
            }
        }
        if let Some(place) = where_now {
            details.last_known_place = Text::optional("last_known_place", place, 200)?;
        }
        if self.chance(0.04) {
            let mark = self.pick(MARKS).copied().unwrap_or_default();
            details.distinguishing_marks = Text::optional("distinguishing_marks", mark, 500)?;
        }
        if let Some(country) = contact_country {
            let number = phone(&mut self.rng, country);
            details.contact = Text::optional("contact", &number, 200)?;
        }
        let age = self.this_year - member.birth.0;
        details.flags.minor = age < 18;
        details.flags.unaccompanied = details.flags.minor && (enquirer || self.chance(0.4));
        Ok(details)
    }

    fn circumstances(&mut self, origin: &Origin) -> anyhow::Result<(Circumstances, i32)> {
        let context = self
            .pick(&origin.contexts)
            .copied()
            .unwrap_or(SeparationContext::Other);
        let year = self
            .rng
            .gen_range(origin.years.0..=origin.years.1.min(self.this_year));
        let month = self.rng.gen_range(1..=12_u8);
        let date = match self.rng.gen_range(0..10) {
            0..6 => PartialDate::parse(&format!("{year:04}-{month:02}")).ok(),
            6..8 => PartialDate::parse(&format!("~{year:04}")).ok(),
            8 => PartialDate::parse(&format!(
                "{year:04}-{month:02}-{:02}",
                self.rng.gen_range(1..=28)
            ))
            .ok(),
            _ => None,
        };
        let place = if self.chance(0.85) {
            self.pick(&origin.separations).cloned()
        } else {
            None
        };
        let countries_transited = if self.chance(0.75) {
            let route = self.pick(&origin.routes).cloned().unwrap_or_default();
            let upto = self.rng.gen_range(1..=route.len().max(1));
            route.into_iter().take(upto).collect()
        } else {
            Vec::new()
        };
        let news_year = (year + self.rng.gen_range(0..2)).min(self.this_year);
        let last_news = LastNews {
            date: PartialDate::parse(&format!(
                "{news_year:04}-{:02}",
                self.rng.gen_range(month..=12)
            ))
            .ok()
            .filter(|_| self.rng.gen_bool(0.7)),
            place: if self.chance(0.5) {
                let place = self.pick(&origin.separations).cloned().unwrap_or_default();
                Text::optional("last_news_place", &place, 200)?
            } else {
                None
            },
            source: if self.chance(0.6) {
                let source = self.pick(NEWS_SOURCES).copied().unwrap_or_default();
                Text::optional("last_news_source", source, 200)?
            } else {
                None
            },
        };
        let narrative = if self.chance(0.35) {
            let text = match context {
                SeparationContext::Migration => {
                    "Separated when the group was split up by the smugglers; one part crossed first."
                }
                SeparationContext::Conflict => {
                    "The family fled the shelling in different directions and lost contact."
                }
                SeparationContext::Detention => "Taken away at a checkpoint; no news since then.",
                SeparationContext::Disaster => {
                    "Separated during the floods and the displacement that followed."
                }
                SeparationContext::Other => "Lost contact after changing phone numbers.",
            };
            Text::optional("narrative", text, 4000)?
        } else {
            None
        };
        Ok((
            Circumstances {
                context,
                date,
                place: Text::optional("place", place.as_deref().unwrap_or_default(), 200)?,
                countries_transited,
                last_news,
                narrative,
            },
            year,
        ))
    }

    fn enquirer_consent(&mut self, minor: bool) -> NewConsent {
        let method = *[
            ConsentMethod::Written,
            ConsentMethod::Written,
            ConsentMethod::Oral,
            ConsentMethod::Digital,
        ]
        .choose(&mut self.rng)
        .unwrap_or(&ConsentMethod::Written);
        NewConsent {
            purpose: retrace_domain::ConsentPurpose::Tracing,
            basis: ConsentBasis::Consent {
                given_by: if minor {
                    ConsentGiver::Guardian
                } else {
                    ConsentGiver::Person
                },
                method,
            },
            scope: SharingScope::default(),
            note: None,
        }
    }

    fn created_at(&mut self) -> Timestamp {
        let back =
            self.rng.gen_range(1..self.span_days.max(2)) * DAY_MS + self.rng.gen_range(0..DAY_MS);
        Timestamp::from_millis(self.now.as_millis() - back)
    }

    fn later(&mut self, after: Timestamp, max_days: i64) -> Timestamp {
        let room = (self.now.as_millis() - after.as_millis() - 60_000).max(1);
        let step = self.rng.gen_range(1..=room.min(max_days * DAY_MS).max(1));
        Timestamp::from_millis(after.as_millis() + step)
    }

    /// One request. `sought_count` fixes the number of sought persons
    /// (within what the family allows); `None` draws it.
    pub fn request(&mut self, sought_count: Option<usize>) -> anyhow::Result<PlannedRequest> {
        let org = self.pick_org();
        let slug = self
            .orgs
            .get(org)
            .map(|o| o.slug.clone())
            .unwrap_or_default();
        let codes = org_profile(&slug).1;
        let code = self.pick(codes).copied().unwrap_or("SY");
        let origin_index = self.tables.origin_index(code).unwrap_or(0);
        self.request_for(org, origin_index, sought_count)
    }

    fn request_for(
        &mut self,
        org: usize,
        origin_index: usize,
        sought_count: Option<usize>,
    ) -> anyhow::Result<PlannedRequest> {
        let family = self.family(origin_index).context("demo: no family")?;
        let origin = self.origin(origin_index).context("demo: no origin")?;
        let children = family.children.len();
        // Who looks for whom.
        let scenario = self.rng.gen_range(0..100);
        let (enquirer_role, mut candidates): (Role, Vec<Role>) = match scenario {
            0..35 if children >= 2 => {
                let me = self.rng.gen_range(0..children);
                (
                    Role::Child(me),
                    (0..children)
                        .filter(|c| *c != me)
                        .map(Role::Child)
                        .collect(),
                )
            }
            0..65 => (
                if self.chance(0.5) {
                    Role::Father
                } else {
                    Role::Mother
                },
                (0..children).map(Role::Child).collect(),
            ),
            65..85 => (
                Role::Child(self.rng.gen_range(0..children.max(1))),
                vec![Role::Father, Role::Mother],
            ),
            _ => {
                if self.chance(0.5) {
                    (Role::Father, vec![Role::Mother])
                } else {
                    (Role::Mother, vec![Role::Father])
                }
            }
        };
        candidates.shuffle(&mut self.rng);
        if candidates.is_empty() {
            candidates.push(if enquirer_role == Role::Father {
                Role::Mother
            } else {
                Role::Father
            });
        }
        let count = match sought_count {
            Some(n) => n,
            None => match self.rng.gen_range(0..10) {
                0..7 => 1,
                7..9 => 2,
                _ => 3,
            },
        };
        let mut sought_roles: Vec<Role> = candidates.into_iter().take(count.max(1)).collect();
        while sought_roles.len() < count {
            // A small family: look for the other parent too.
            let extra = [Role::Father, Role::Mother]
                .into_iter()
                .find(|r| *r != enquirer_role && !sought_roles.contains(r));
            match extra {
                Some(role) => sought_roles.push(role),
                None => break,
            }
        }
        let (circumstances, separated) = self.circumstances(origin)?;
        let country = self
            .orgs
            .get(org)
            .map(|o| o.country.as_str().to_owned())
            .unwrap_or_default();
        // Offices mostly write Latin letters; some also write the script.
        let writing = self.writing(0.2);
        let enquirer_place = self.pick(cities(&country)).copied();
        let mut enquirer = self.details(
            &family,
            enquirer_role,
            writing,
            true,
            enquirer_place,
            Some(&country),
        )?;
        enquirer.distinguishing_marks = None;
        let enquirer_consent = Some(self.enquirer_consent(enquirer.flags.minor));
        let mut sought = Vec::new();
        let mut sought_consents = Vec::new();
        for role in &sought_roles {
            let place = origin.separations.choose(&mut self.rng).cloned();
            let where_last = if self.chance(0.6) {
                place.as_deref()
            } else {
                None
            };
            let mut details = self.details(&family, *role, writing, false, where_last, None)?;
            details.flags.at_risk = self.chance(0.02);
            let consent = self.chance(0.92).then(|| NewConsent {
                purpose: retrace_domain::ConsentPurpose::Tracing,
                basis: ConsentBasis::Lawful(LawfulBasis::VitalInterest),
                scope: SharingScope::default(),
                note: None,
            });
            sought.push((relationship(&family, enquirer_role, *role), details));
            sought_consents.push(consent);
        }
        let at = self.created_at();
        let statuses = self.statuses(at, separated);
        Ok(PlannedRequest {
            org,
            at,
            new: NewRequest {
                enquirer,
                sought,
                circumstances,
            },
            enquirer_consent,
            sought_consents,
            statuses,
            family,
            enquirer_role,
            sought_roles,
            writing,
        })
    }

    fn statuses(&mut self, at: Timestamp, _separated: i32) -> Vec<(RequestStatus, Timestamp)> {
        let roll = self.rng.gen_range(0..100);
        let path: Vec<RequestStatus> = match roll {
            0..25 => vec![],
            25..73 => vec![RequestStatus::Searching],
            73..80 => vec![RequestStatus::Searching, RequestStatus::Located],
            80..85 => vec![
                RequestStatus::Searching,
                RequestStatus::Located,
                RequestStatus::ContactRestored,
            ],
            85..87 => vec![
                RequestStatus::Searching,
                RequestStatus::Located,
                RequestStatus::ContactRestored,
                RequestStatus::Reunited,
            ],
            _ => {
                let reason = *[
                    ClosureReason::EnquirerUnreachable,
                    ClosureReason::EnquirerWithdrew,
                    ClosureReason::NotFound,
                    ClosureReason::ContactRestored,
                    ClosureReason::Deceased,
                    ClosureReason::FoundNoContactWanted,
                ]
                .choose(&mut self.rng)
                .unwrap_or(&ClosureReason::NotFound);
                match reason {
                    ClosureReason::ContactRestored | ClosureReason::FoundNoContactWanted => vec![
                        RequestStatus::Searching,
                        RequestStatus::Located,
                        RequestStatus::Closed(reason),
                    ],
                    _ => vec![RequestStatus::Searching, RequestStatus::Closed(reason)],
                }
            }
        };
        let mut when = at;
        path.into_iter()
            .map(|status| {
                when = self.later(when, 60);
                (status, when)
            })
            .collect()
    }

    fn other_org(&mut self, not: usize) -> usize {
        for _ in 0..20 {
            let org = self.rng.gen_range(0..self.orgs.len().max(1));
            if org != not {
                return org;
            }
        }
        (not + 1) % self.orgs.len().max(1)
    }

    /// The sought person `index` of `request` registering on their own in
    /// another organisation, written in another script or spelling; with a
    /// sharing consent covering the requesting organisation's country when
    /// `share` is true.
    fn true_match(
        &mut self,
        request: &PlannedRequest,
        index: usize,
        share: bool,
    ) -> anyhow::Result<Option<PlannedRegistration>> {
        let Some(role) = request.sought_roles.get(index).copied() else {
            return Ok(None);
        };
        let org = self.other_org(request.org);
        let country = self
            .orgs
            .get(org)
            .map(|o| o.country.as_str().to_owned())
            .unwrap_or_default();
        let writing = Writing {
            native: !request.writing.native || self.chance(0.3),
            variant: request.writing.variant + self.rng.gen_range(1..3),
        };
        let place = self.pick(cities(&country)).copied();
        let details = self.details(&request.family, role, writing, false, place, Some(&country))?;
        if details.flags.minor && !details.flags.unaccompanied {
            return Ok(None);
        }
        let mut consents = vec![self.self_consent(details.flags.minor)];
        if share && let Some(requester) = self.orgs.get(request.org) {
            consents.push(NewConsent {
                purpose: retrace_domain::ConsentPurpose::Sharing,
                basis: consents
                    .first()
                    .map(|c| c.basis)
                    .unwrap_or(ConsentBasis::Lawful(LawfulBasis::VitalInterest)),
                scope: SharingScope {
                    organisations: Vec::new(),
                    countries: vec![requester.country],
                },
                note: None,
            });
        }
        let at = self.later(request.at, 120);
        Ok(Some(PlannedRegistration {
            org,
            at,
            kind: if self.chance(0.7) {
                RegistrationKind::Safe
            } else {
                RegistrationKind::LookingForFamily
            },
            details,
            consents,
            true_match: true,
        }))
    }

    /// Somebody else with the sought person's given and family name: a
    /// different father and birth year.
    fn near_miss(&mut self, request: &PlannedRequest) -> anyhow::Result<PlannedRegistration> {
        let role = request
            .sought_roles
            .first()
            .copied()
            .unwrap_or(Role::Father);
        let mut family = request.family.clone();
        let origin = self.origin(family.origin).context("demo: no origin")?;
        let males = origin.male.len();
        let shift = self.rng.gen_range(3..9);
        let other_father =
            (family.member(role).father + self.rng.gen_range(1..males.max(2))) % males;
        let member = match role {
            Role::Father => &mut family.father,
            Role::Mother => &mut family.mother,
            Role::Child(n) => match family.children.get_mut(n) {
                Some(child) => child,
                None => &mut family.father,
            },
        };
        member.father = other_father;
        member.grandfather = (member.grandfather + 1) % males.max(1);
        member.birth.0 += if self.chance(0.5) { shift } else { -shift };
        let org = self.other_org(request.org);
        let country = self
            .orgs
            .get(org)
            .map(|o| o.country.as_str().to_owned())
            .unwrap_or_default();
        let writing = self.writing(0.5);
        let place = self.pick(cities(&country)).copied();
        let mut details = self.details(&family, role, writing, false, place, Some(&country))?;
        details.flags.minor = false;
        details.flags.unaccompanied = false;
        Ok(PlannedRegistration {
            org,
            at: self.later(request.at, 200),
            kind: RegistrationKind::LookingForFamily,
            details,
            consents: vec![self.self_consent(false)],
            true_match: false,
        })
    }

    fn self_consent(&mut self, minor: bool) -> NewConsent {
        let method = *[ConsentMethod::Oral, ConsentMethod::Written]
            .choose(&mut self.rng)
            .unwrap_or(&ConsentMethod::Oral);
        NewConsent {
            purpose: retrace_domain::ConsentPurpose::Tracing,
            basis: ConsentBasis::Consent {
                given_by: if minor {
                    ConsentGiver::Guardian
                } else {
                    ConsentGiver::Person
                },
                method,
            },
            scope: SharingScope::default(),
            note: None,
        }
    }

    /// The relative sought by `request` opening a request of their own in
    /// another organisation, looking for the enquirer.
    fn reciprocal(&mut self, request: &PlannedRequest) -> anyhow::Result<Option<PlannedRequest>> {
        let Some(role) = request.sought_roles.first().copied() else {
            return Ok(None);
        };
        let family = &request.family;
        if family.member(role).birth.0 > self.this_year - 18
            || family.member(request.enquirer_role).birth.0 > self.this_year - 18
        {
            return Ok(None);
        }
        let org = self.other_org(request.org);
        let country = self
            .orgs
            .get(org)
            .map(|o| o.country.as_str().to_owned())
            .unwrap_or_default();
        let origin = self.origin(family.origin).context("demo: no origin")?;
        let (circumstances, _) = self.circumstances(origin)?;
        let writing = Writing {
            native: !request.writing.native,
            variant: request.writing.variant + 1,
        };
        let place = self.pick(cities(&country)).copied();
        let enquirer = self.details(family, role, writing, true, place, Some(&country))?;
        let sought = self.details(family, request.enquirer_role, writing, false, None, None)?;
        let relation = relationship(family, role, request.enquirer_role);
        let at = self.later(request.at, 90);
        Ok(Some(PlannedRequest {
            org,
            at,
            new: NewRequest {
                enquirer,
                sought: vec![(relation, sought)],
                circumstances,
            },
            enquirer_consent: Some(self.enquirer_consent(false)),
            sought_consents: vec![Some(NewConsent {
                purpose: retrace_domain::ConsentPurpose::Tracing,
                basis: ConsentBasis::Lawful(LawfulBasis::VitalInterest),
                scope: SharingScope::default(),
                note: None,
            })],
            statuses: vec![(RequestStatus::Searching, self.later(at, 10))],
            family: family.clone(),
            enquirer_role: role,
            sought_roles: vec![request.enquirer_role],
            writing,
        }))
    }

    /// The walkthrough of the README: the Belgian Red Cross looks for
    /// `Omar Khaled Al-Hassan` for his brother Ahmad; Omar registered as
    /// safe with the French Red Cross, written `عمر خالد الحسن`, and agreed
    /// to share with Belgium. Fixed names, whatever the seed.
    fn showcase(&mut self) -> anyhow::Result<Option<(PlannedRequest, PlannedRegistration)>> {
        let be = self.orgs.iter().position(|o| o.slug == "redcross-be");
        let fr = self.orgs.iter().position(|o| o.slug == "redcross-fr");
        let (Some(be), Some(fr), Some(origin_index)) = (be, fr, self.tables.origin_index("SY"))
        else {
            return Ok(None);
        };
        let origin = self.origin(origin_index).context("demo: no origin")?;
        let male = |latin: &str| origin.male.iter().position(|m| m.get(LATIN) == latin);
        let family_name = origin
            .family
            .iter()
            .position(|f| f.get(LATIN) == "Al-Hassan");
        let (Some(ahmad), Some(omar), Some(khaled), Some(ibrahim), Some(hassan)) = (
            male("Ahmad"),
            male("Omar"),
            male("Khaled"),
            male("Ibrahim"),
            family_name,
        ) else {
            return Ok(None);
        };
        let fatima = origin
            .female
            .iter()
            .position(|f| f.get(LATIN) == "Fatima")
            .unwrap_or(0);
        let person = |sex, given, father, grandfather, birth| Member {
            sex,
            given,
            father,
            grandfather,
            family: Some(hassan),
            birth,
        };
        let family = Family {
            origin: origin_index,
            father: person(Sex::Male, khaled, ibrahim, omar, (1962, 5, 3)),
            mother: Member {
                family: Some(0),
                ..person(Sex::Female, fatima, ahmad, ibrahim, (1966, 9, 21))
            },
            children: vec![
                person(Sex::Male, ahmad, khaled, ibrahim, (1990, 1, 17)),
                person(Sex::Male, omar, khaled, ibrahim, (1994, 3, 12)),
            ],
        };
        let enquirer_name = self.name(
            origin,
            family.member(Role::Child(0)),
            LATIN,
            NameKind::Birth,
            false,
        )?;
        let mut enquirer = PersonDetails::new(vec![enquirer_name], Sex::Male)?;
        enquirer.birth_date = PartialDate::parse("1990").ok();
        enquirer.nationalities = vec![origin.nationality];
        enquirer.contact = Text::optional("contact", "+32 470 00 00 42", 200)?;
        enquirer.last_known_place = Text::optional("last_known_place", "Brussels", 200)?;
        let sought_name = self.name(
            origin,
            family.member(Role::Child(1)),
            LATIN,
            NameKind::Birth,
            false,
        )?;
        let mut sought = PersonDetails::new(vec![sought_name], Sex::Male)?;
        sought.birth_date = PartialDate::parse("1994-03-12").ok();
        sought.nationalities = vec![origin.nationality];
        sought.father_name = Text::optional("father_name", "Khaled", 200)?;
        sought.birth_place = Text::optional("birth_place", "Aleppo", 200)?;
        let request_at = Timestamp::from_millis(self.now.as_millis() - 21 * DAY_MS);
        let circumstances = Circumstances {
            context: SeparationContext::Migration,
            date: PartialDate::parse("2023-08").ok(),
            place: Text::optional("place", "Evros river, Greek-Turkish border", 200)?,
            countries_transited: ["TR", "GR"]
                .into_iter()
                .filter_map(|c| CountryCode::parse(c).ok())
                .collect(),
            last_news: LastNews {
                date: PartialDate::parse("2023-09").ok(),
                place: Text::optional("last_news_place", "Idomeni camp", 200)?,
                source: Text::optional("last_news_source", "WhatsApp message", 200)?,
            },
            narrative: Text::optional(
                "narrative",
                "The brothers were separated when the group was split up at the river.",
                4000,
            )?,
        };
        let request = PlannedRequest {
            org: be,
            at: request_at,
            new: NewRequest {
                enquirer,
                sought: vec![(Relationship::Brother, sought)],
                circumstances,
            },
            enquirer_consent: Some(self.enquirer_consent(false)),
            sought_consents: vec![Some(NewConsent {
                purpose: retrace_domain::ConsentPurpose::Tracing,
                basis: ConsentBasis::Lawful(LawfulBasis::VitalInterest),
                scope: SharingScope::default(),
                note: None,
            })],
            statuses: vec![(
                RequestStatus::Searching,
                Timestamp::from_millis(request_at.as_millis() + DAY_MS),
            )],
            family,
            enquirer_role: Role::Child(0),
            sought_roles: vec![Role::Child(1)],
            writing: LATIN,
        };
        let native = Writing {
            native: true,
            variant: 0,
        };
        let name = self.name(
            origin,
            request.family.member(Role::Child(1)),
            native,
            NameKind::Birth,
            false,
        )?;
        let mut details = PersonDetails::new(vec![name], Sex::Male)?;
        details.birth_date = PartialDate::parse("1994").ok();
        details.nationalities = vec![origin.nationality];
        details.father_name = Text::optional("father_name", "خالد", 200)?;
        details.last_known_place =
            Text::optional("last_known_place", "Centre d'accueil de Lyon", 200)?;
        details.contact = Text::optional("contact", "+33 6 00 00 00 42", 200)?;
        let share = NewConsent {
            purpose: retrace_domain::ConsentPurpose::Sharing,
            basis: ConsentBasis::Consent {
                given_by: ConsentGiver::Person,
                method: ConsentMethod::Oral,
            },
            scope: SharingScope {
                organisations: Vec::new(),
                countries: self
                    .orgs
                    .get(be)
                    .map(|o| vec![o.country])
                    .unwrap_or_default(),
            },
            note: None,
        };
        let registration = PlannedRegistration {
            org: fr,
            at: Timestamp::from_millis(self.now.as_millis() - 6 * DAY_MS),
            kind: RegistrationKind::Safe,
            details,
            consents: vec![self.self_consent(false), share],
            true_match: true,
        };
        Ok(Some((request, registration)))
    }

    /// Someone registered as safe or looking for family, unrelated to any
    /// request.
    fn unrelated_registration(&mut self) -> anyhow::Result<Option<PlannedRegistration>> {
        let origin_index = self.rng.gen_range(0..self.tables.origins.len());
        let Some(family) = self.family(origin_index) else {
            return Ok(None);
        };
        let org = self.pick_org();
        let country = self
            .orgs
            .get(org)
            .map(|o| o.country.as_str().to_owned())
            .unwrap_or_default();
        let role = if self.chance(0.5) {
            Role::Father
        } else {
            Role::Child(0)
        };
        let writing = self.writing(0.4);
        let place = self.pick(cities(&country)).copied();
        let mut details = self.details(&family, role, writing, false, place, Some(&country))?;
        details.flags.minor = false;
        details.flags.unaccompanied = false;
        let at = self.created_at();
        Ok(Some(PlannedRegistration {
            org,
            at,
            kind: if self.chance(0.5) {
                RegistrationKind::Safe
            } else {
                RegistrationKind::LookingForFamily
            },
            details,
            consents: vec![self.self_consent(false)],
            true_match: false,
        }))
    }
}

/// What the demo load produced.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub requests: usize,
    pub sought: usize,
    pub registrations: usize,
    pub planted_matches: usize,
    pub reciprocal_requests: usize,
    pub status_changes: usize,
}

/// The whole demo plan: requests (some reciprocal), registrations that are
/// true matches, near misses and unrelated ones, in time order.
pub struct Plan {
    pub requests: Vec<PlannedRequest>,
    pub registrations: Vec<PlannedRegistration>,
    pub reciprocal: usize,
}

impl Plan {
    pub fn generate(
        tables: &Tables,
        orgs: Vec<GenOrg>,
        seed: u64,
        now: Timestamp,
        requests: usize,
    ) -> anyhow::Result<Self> {
        let mut generator = Generator::new(tables, orgs, seed, now);
        let mut planned = Vec::with_capacity(requests + requests / 20);
        for _ in 0..requests {
            planned.push(generator.request(None)?);
        }
        let mut registrations = Vec::new();
        let mut reciprocal = Vec::new();
        for (n, request) in planned.iter().enumerate() {
            // Every 7th request: its first sought person registered elsewhere.
            if n % 7 == 3 && request.sought_consents.first().is_some_and(Option::is_some) {
                let share = generator.chance(0.5);
                if let Some(found) = generator.true_match(request, 0, share)? {
                    registrations.push(found);
                }
            }
            if n % 19 == 5 {
                registrations.push(generator.near_miss(request)?);
            }
            if n % 31 == 11
                && let Some(other) = generator.reciprocal(request)?
            {
                reciprocal.push(other);
            }
        }
        for _ in 0..requests / 12 {
            if let Some(registration) = generator.unrelated_registration()? {
                registrations.push(registration);
            }
        }
        if let Some((request, registration)) = generator.showcase()? {
            planned.push(request);
            registrations.push(registration);
        }
        let reciprocal_count = reciprocal.len();
        planned.extend(reciprocal);
        planned.sort_by_key(|r| r.at);
        registrations.sort_by_key(|r| r.at);
        Ok(Self {
            requests: planned,
            registrations,
            reciprocal: reciprocal_count,
        })
    }

    /// Stores the plan: requests with their consents, registrations with
    /// theirs, then the status changes, each in time order.
    pub async fn store(&self, store: &dyn Store, orgs: &[GenOrg]) -> anyhow::Result<Summary> {
        let mut summary = Summary {
            reciprocal_requests: self.reciprocal,
            ..Summary::default()
        };
        enum Step<'a> {
            Request(&'a PlannedRequest, usize),
            Registration(&'a PlannedRegistration),
            Status(usize, RequestStatus, Timestamp),
        }
        let mut steps: Vec<(Timestamp, Step<'_>)> = Vec::new();
        for (n, request) in self.requests.iter().enumerate() {
            steps.push((request.at, Step::Request(request, n)));
            for (status, at) in &request.statuses {
                steps.push((*at, Step::Status(n, *status, *at)));
            }
        }
        for registration in &self.registrations {
            steps.push((registration.at, Step::Registration(registration)));
        }
        steps.sort_by_key(|(at, _)| *at);
        let mut stored: HashMap<usize, (retrace_domain::RequestId, i64, usize)> = HashMap::new();
        for (_, step) in steps {
            match step {
                Step::Request(request, n) => {
                    let org = orgs.get(request.org).context("demo: organisation")?;
                    let created = store_request(store, org, request).await?;
                    summary.requests += 1;
                    summary.sought += request.new.sought.len();
                    stored.insert(n, (created, 1, request.org));
                }
                Step::Registration(registration) => {
                    let org = orgs.get(registration.org).context("demo: organisation")?;
                    store_registration(store, org, registration).await?;
                    summary.registrations += 1;
                    summary.planted_matches += usize::from(registration.true_match);
                }
                Step::Status(n, status, at) => {
                    let Some((id, version, org_index)) = stored.get_mut(&n) else {
                        continue;
                    };
                    let org = orgs.get(*org_index).context("demo: organisation")?;
                    let audit = actor_audit(org, at);
                    let updated = store
                        .set_request_status(
                            &audit,
                            &OrgScope::new(org.id),
                            *id,
                            *version,
                            status,
                            None,
                        )
                        .await?;
                    *version = updated.version;
                    summary.status_changes += 1;
                }
            }
        }
        Ok(summary)
    }
}

fn actor_audit(org: &GenOrg, at: Timestamp) -> AuditContext {
    AuditContext {
        at,
        actor: Some(org.actor),
        org: Some(org.id),
        purpose: Some("demo data".to_owned()),
    }
}

/// Stores one request with its consents, as the request form does.
pub async fn store_request(
    store: &dyn Store,
    org: &GenOrg,
    request: &PlannedRequest,
) -> anyhow::Result<retrace_domain::RequestId> {
    let audit = actor_audit(org, request.at);
    let scope = OrgScope::new(org.id);
    let created = store.create_request(&audit, &scope, &request.new).await?;
    if let Some(consent) = &request.enquirer_consent {
        store
            .record_consent(&audit, &scope, created.enquirer.id, consent)
            .await?;
    }
    for (person, consent) in created.sought.iter().zip(&request.sought_consents) {
        if let Some(consent) = consent {
            store
                .record_consent(&audit, &scope, person.id, consent)
                .await?;
        }
    }
    Ok(created.id)
}

async fn store_registration(
    store: &dyn Store,
    org: &GenOrg,
    registration: &PlannedRegistration,
) -> anyhow::Result<()> {
    let audit = actor_audit(org, registration.at);
    let scope = OrgScope::new(org.id);
    let person = store
        .create_registration(
            &audit,
            &scope,
            registration.kind,
            &registration.details,
            None,
        )
        .await?;
    for consent in &registration.consents {
        store
            .record_consent(&audit, &scope, person.id, consent)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    fn orgs() -> Vec<GenOrg> {
        ["redcross-be", "redcross-fr", "icrc-lb", "iom-it"]
            .iter()
            .zip(["BE", "FR", "LB", "IT"])
            .map(|(slug, country)| GenOrg {
                id: OrgId::random(),
                slug: (*slug).to_owned(),
                country: CountryCode::parse(country).unwrap(),
                actor: UserId::random(),
            })
            .collect()
    }

    #[test]
    fn the_tables_parse_and_the_plan_is_deterministic() {
        let tables = Tables::parse().unwrap();
        assert_eq!(tables.origins.len(), 7);
        let now = Timestamp::from_millis(1_780_000_000_000);
        let a = Plan::generate(&tables, orgs(), 7, now, 200).unwrap();
        let b = Plan::generate(&tables, orgs(), 7, now, 200).unwrap();
        let names = |plan: &Plan| -> Vec<String> {
            plan.requests
                .iter()
                .map(|r| r.new.enquirer.primary_name().to_owned())
                .collect()
        };
        assert_eq!(names(&a), names(&b));
        assert!(a.registrations.iter().any(|r| r.true_match));
        assert!(a.requests.iter().all(|r| r.at < now));
        let scripts: std::collections::HashSet<_> = a
            .requests
            .iter()
            .flat_map(|r| r.new.sought.iter())
            .flat_map(|(_, d)| d.names().iter().map(|n| n.script()))
            .collect();
        assert!(scripts.len() >= 4, "{scripts:?}");
    }
}
