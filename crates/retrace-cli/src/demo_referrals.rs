//! Demonstration referrals (issue 11): two more organisations that fit the
//! transnational referral mechanism (an anti-trafficking NGO in Albania and
//! a national referral mechanism focal point in Morocco), standard
//! operating procedures for every stage in every organisation (revised once
//! after the first cases started, so both versions are visible), and
//! referrals between the demo organisations at every stage and status.
//! Everything goes through the store's referral methods, so the demo data
//! obeys the same rules (consent, stages, checklists) as real use.

use anyhow::Context;
use retrace_domain::{
    ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, CountryCode, LawfulBasis, NameKind,
    NewConsent, OrgId, OrgKind, Outcome, PersonDetails, PersonName, ReferralId, ReferralShare,
    RegistrationKind, RiskAssessment, RiskLevel, Service, Sex, SharingScope, Side, SopStep, Stage,
    StepState, Text, Timestamp, Urgency, UserId,
};
use retrace_domain::{RawValue, builtin_tools};
use retrace_store::{AuditContext, NewReferral, OrgScope, StatusMove, StepChange, Store};

pub struct ReferralOrg {
    pub name: &'static str,
    pub slug: &'static str,
    pub kind: OrgKind,
    pub country: &'static str,
}

/// The organisations added for referrals, beside the main demo ones.
pub const ORGANISATIONS: [ReferralOrg; 2] = [
    ReferralOrg {
        name: "Albanian Anti-Trafficking Shelter (demo NGO)",
        slug: "shelter-al",
        kind: OrgKind::Ngo,
        country: "AL",
    },
    ReferralOrg {
        name: "National Referral Mechanism Morocco (demo)",
        slug: "nrm-ma",
        kind: OrgKind::GovernmentAgency,
        country: "MA",
    },
];

/// How many referrals the demo makes.
pub const DEMO_REFERRALS: usize = 64;

/// An organisation taking part in the demo referrals: who writes its
/// procedures and who refers.
#[derive(Debug, Clone, Copy)]
pub struct Participant {
    pub org: OrgId,
    pub country: CountryCode,
    pub admin: UserId,
    pub officer: UserId,
}

pub struct Summary {
    pub referrals: usize,
    pub templates: usize,
    /// Filled in by the caller.
    pub seconds: f64,
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

fn text(value: &str) -> anyhow::Result<Text> {
    Text::parse("demo", value, 2000, true).context("demo text")
}

/// The checklist of each stage (required, label).
fn template(stage: Stage, revised: bool) -> Vec<(bool, &'static str)> {
    let mut steps = match stage {
        Stage::Identification => vec![
            (
                true,
                "Screen for trafficking indicators with the first-contact form",
            ),
            (
                true,
                "Explain the person's rights and the referral in a language they understand",
            ),
            (
                true,
                "Record informed consent or the lawful basis in the consent ledger",
            ),
            (false, "Offer an interpreter of the person's choice"),
        ],
        Stage::Referral => vec![
            (true, "Complete the risk assessment and safety plan"),
            (
                true,
                "Confirm the receiving organisation's focal point by phone",
            ),
            (false, "Agree on travel arrangements and escort"),
        ],
        Stage::Assistance => vec![
            (true, "Safe accommodation confirmed"),
            (true, "Medical check offered"),
            (false, "Psychosocial first session held"),
            (false, "Legal counselling on status and rights"),
        ],
        Stage::Monitoring => vec![
            (true, "Monthly follow-up contact"),
            (false, "Review the safety plan"),
        ],
        Stage::Return => vec![
            (true, "Travel documents obtained"),
            (true, "Family or community assessment done"),
            (false, "Reception at the airport arranged"),
        ],
        Stage::Reintegration => vec![
            (true, "Reintegration plan agreed with the person"),
            (false, "Vocational training or income support started"),
            (true, "Six-month follow-up"),
        ],
    };
    if revised {
        steps.push((false, "Feedback from the person on the assistance received"));
    }
    steps
}

fn sop(stage: Stage, revised: bool) -> anyhow::Result<Vec<SopStep>> {
    template(stage, revised)
        .into_iter()
        .map(|(required, label)| {
            Ok(SopStep {
                label: text(label)?,
                required,
            })
        })
        .collect()
}

const PEOPLE: [(&str, Sex, &str, &str); 16] = [
    ("Elira Hoxha", Sex::Female, "AL", "Albanian"),
    ("Mirela Dushku", Sex::Female, "AL", "Albanian"),
    ("Ardit Kola", Sex::Male, "AL", "Albanian"),
    (
        "Fatima Zahra El Idrissi",
        Sex::Female,
        "MA",
        "Arabic, French",
    ),
    ("Youssef Benali", Sex::Male, "MA", "Arabic, Tamazight"),
    ("Blessing Okafor", Sex::Female, "NG", "English, Igbo"),
    ("Joy Osagie", Sex::Female, "NG", "English, Edo"),
    ("Olena Kovalenko", Sex::Female, "UA", "Ukrainian, Russian"),
    ("Iryna Shevchuk", Sex::Female, "UA", "Ukrainian"),
    ("Drita Leka", Sex::Female, "AL", "Albanian, Italian"),
    ("Karim Haddad", Sex::Male, "MA", "Arabic"),
    ("Amina Diallo", Sex::Female, "GN", "French, Pular"),
    ("Samira Ouazzani", Sex::Female, "MA", "Arabic, Spanish"),
    ("Gentiana Berisha", Sex::Female, "AL", "Albanian"),
    ("Precious Eze", Sex::Female, "NG", "English"),
    ("Nadia Bouzid", Sex::Female, "MA", "Arabic, French"),
];

/// Where a demo referral stops.
#[derive(Debug, Clone, Copy)]
enum Scenario {
    SentOnly,
    SentAndReferred,
    Accepted,
    AssistanceUnderway,
    Monitoring,
    Reintegration,
    Closed(Outcome),
    Declined,
}

fn scenario(n: usize) -> Scenario {
    match n % 9 {
        0 => Scenario::SentOnly,
        1 => Scenario::SentAndReferred,
        2 => Scenario::Accepted,
        3 => Scenario::AssistanceUnderway,
        4 => Scenario::Monitoring,
        5 => Scenario::Reintegration,
        6 => Scenario::Closed(Outcome::Reintegrated),
        7 => Scenario::Closed(if n.is_multiple_of(2) {
            Outcome::ReturnedSafely
        } else {
            Outcome::Assisted
        }),
        _ => Scenario::Declined,
    }
}

struct Clock {
    at: i64,
}

impl Clock {
    fn audit(&mut self, side: &Participant, user: UserId) -> AuditContext {
        self.at += HOUR_MS;
        AuditContext {
            at: Timestamp::from_millis(self.at),
            actor: Some(user),
            org: Some(side.org),
            purpose: Some("demo data".to_owned()),
        }
    }
}

/// Ticks the steps of the current stage (skipping one optional step with
/// a reason now and then) and closes it.
async fn work_stage(
    store: &dyn Store,
    clock: &mut Clock,
    side: &Participant,
    id: ReferralId,
    stage: Stage,
    n: usize,
) -> anyhow::Result<()> {
    let scope = OrgScope::new(side.org);
    let view = store
        .referral(&clock.audit(side, side.officer), &scope, id)
        .await?
        .context("demo referral")?;
    for (k, step) in view
        .steps
        .iter()
        .filter(|s| s.stage == stage && s.state == StepState::Open)
        .enumerate()
    {
        let change = if !step.required && (n + k).is_multiple_of(3) {
            StepChange::Skipped {
                reason: text("not needed: the person declined it")?,
            }
        } else if !step.required && (n + k) % 3 == 1 {
            continue;
        } else {
            StepChange::Done
        };
        store
            .change_step(
                &clock.audit(side, side.officer),
                &scope,
                id,
                step.id,
                &change,
            )
            .await?;
    }
    store
        .close_stage(&clock.audit(side, side.officer), &scope, id, stage)
        .await?;
    Ok(())
}

async fn register(
    store: &dyn Store,
    clock: &mut Clock,
    from: &Participant,
    to: &Participant,
    n: usize,
) -> anyhow::Result<retrace_domain::PersonId> {
    let (name, sex, nationality, languages) = PEOPLE[n % PEOPLE.len()];
    let mut details = PersonDetails::new(vec![PersonName::simple(name, NameKind::Birth)?], sex)?;
    details.nationalities = vec![CountryCode::parse(nationality)?];
    details.languages = languages
        .split(", ")
        .map(text)
        .collect::<anyhow::Result<_>>()?;
    details.contact = Some(text(&format!(
        "via the shelter's focal point, case {}",
        100 + n
    ))?);
    let basis = if n % 5 == 4 {
        ConsentBasis::Lawful(LawfulBasis::VitalInterest)
    } else {
        ConsentBasis::Consent {
            given_by: ConsentGiver::Person,
            method: ConsentMethod::Written,
        }
    };
    let consent = NewConsent {
        purpose: ConsentPurpose::Sharing,
        basis,
        scope: SharingScope {
            organisations: Vec::new(),
            countries: vec![to.country],
        },
        note: None,
    };
    let person = store
        .create_registration(
            &clock.audit(from, from.officer),
            &OrgScope::new(from.org),
            RegistrationKind::Safe,
            &details,
            Some(&consent),
        )
        .await?;
    Ok(person.id)
}

/// Fills built-in tool `key` for referral `id` on `side`'s behalf.
async fn fill_tool(
    store: &dyn Store,
    clock: &mut Clock,
    side: &Participant,
    id: ReferralId,
    key: &str,
    values: &[(&str, &str)],
) -> anyhow::Result<()> {
    let tool = builtin_tools()
        .into_iter()
        .find(|t| t.key == key)
        .context("built-in tool")?;
    let raw = values
        .iter()
        .map(|(k, v)| ((*k).to_owned(), RawValue::Text((*v).to_owned())))
        .collect();
    let checked = tool
        .check_values(&raw)
        .map_err(|e| anyhow::anyhow!("demo tool {key}: {}: {}", e.field, e.problem))?;
    store
        .save_tool_entry(
            &clock.audit(side, side.officer),
            &OrgScope::new(side.org),
            id,
            &tool,
            &checked,
        )
        .await?;
    Ok(())
}

/// The sender's screening for every referral, and a risk assessment for
/// every third.
async fn fill_tools(
    store: &dyn Store,
    clock: &mut Clock,
    from: &Participant,
    id: ReferralId,
    n: usize,
) -> anyhow::Result<()> {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    fill_tool(
        store,
        clock,
        from,
        id,
        "screening",
        &[
            ("deceived_about_work", yes_no(n % 4 != 3)),
            ("documents_withheld", yes_no(n % 3 != 1)),
            ("debt_bondage", yes_no(!n.is_multiple_of(2))),
            (
                "notes",
                "Recruited online for restaurant work; documents kept by the employer.",
            ),
        ],
    )
    .await?;
    if n.is_multiple_of(3) {
        let level = (n % 5 + 1).to_string();
        fill_tool(
            store,
            clock,
            from,
            id,
            "risk_assessment",
            &[
                ("threat_known", "yes"),
                ("who_at_risk", "the person and a younger sibling at home"),
                ("level", level.as_str()),
                ("assessed_on", "2026-01-15"),
            ],
        )
        .await?;
    }
    Ok(())
}

const SERVICE_SETS: [&[Service]; 5] = [
    &[Service::Shelter, Service::Medical, Service::Psychosocial],
    &[Service::SafeReturn, Service::Reintegration],
    &[Service::Legal, Service::Documents],
    &[Service::Shelter, Service::FamilyTracing],
    &[
        Service::SafeReturn,
        Service::Reintegration,
        Service::Psychosocial,
    ],
];

/// Loads the procedures and referrals. `main` are the main demo
/// organisations, `added` the two of [`ORGANISATIONS`] (in that order).
pub async fn load(
    store: &dyn Store,
    main: &[Participant],
    added: &[Participant],
    now: Timestamp,
) -> anyhow::Result<Summary> {
    let mut clock = Clock {
        at: now.as_millis() - 200 * DAY_MS,
    };
    let everyone: Vec<Participant> = main.iter().chain(added.iter()).copied().collect();
    let mut templates = 0;
    for side in &everyone {
        for stage in Stage::ALL {
            store
                .save_sop_template(
                    &clock.audit(side, side.admin),
                    &OrgScope::new(side.org),
                    *stage,
                    &sop(*stage, false)?,
                )
                .await?;
            templates += 1;
        }
    }
    // Pairs: the main organisations refer to the two added ones (returns
    // to Albania and Morocco) and to each other abroad; the added ones
    // refer back to Italy and France.
    let mut pairs: Vec<(Participant, Participant)> = Vec::new();
    for from in main {
        for to in &everyone {
            if from.org != to.org && from.country != to.country {
                pairs.push((*from, *to));
            }
        }
    }
    for from in added {
        for to in main {
            pairs.push((*from, *to));
        }
    }
    if pairs.is_empty() {
        return Ok(Summary {
            referrals: 0,
            templates,
            seconds: 0.0,
        });
    }
    // Returns to Albania and Morocco first in the rotation, so that each
    // added organisation receives many.
    pairs.sort_by_key(|(_, to)| !added.iter().any(|a| a.org == to.org));
    let mut made = 0;
    for n in 0..DEMO_REFERRALS {
        clock.at = now.as_millis() - (DEMO_REFERRALS - n) as i64 * 2 * DAY_MS;
        let (from, to) = pairs[(n * 7) % pairs.len().clamp(1, 24)];
        let person = register(store, &mut clock, &from, &to, n).await?;
        let (name, _, _, _) = PEOPLE[n % PEOPLE.len()];
        let new = NewReferral {
            person,
            to_org: to.org,
            purpose: text(&format!(
                "{name} asks for help to return home safely and rebuild her or his life; referred for the services below."
            ))?,
            services: SERVICE_SETS[n % SERVICE_SETS.len()].to_vec(),
            urgency: [Urgency::Routine, Urgency::Urgent, Urgency::Emergency][n % 3],
            risk: RiskAssessment {
                level: [RiskLevel::Medium, RiskLevel::High, RiskLevel::Low][n % 3],
                who_at_risk: text("the person and relatives at home")?,
                from_whom: Some(text("the recruitment network that organised the journey")?),
                safety_plan: text(
                    "contact only through the focal point; no address shared with relatives until assessed",
                )?,
            },
            share: ReferralShare {
                identity: true,
                contact: n.is_multiple_of(2),
                risk_assessment: n % 3 != 2,
            },
        };
        let referral = store
            .create_referral(
                &clock.audit(&from, from.officer),
                &OrgScope::new(from.org),
                &new,
            )
            .await?;
        made += 1;
        let id = referral.id;
        fill_tools(store, &mut clock, &from, id, n).await?;
        let sc = scenario(n);
        if matches!(sc, Scenario::SentOnly) {
            continue;
        }
        for stage in Stage::of(Side::Sender) {
            work_stage(store, &mut clock, &from, id, stage, n).await?;
        }
        let receiver = OrgScope::new(to.org);
        match sc {
            Scenario::SentOnly | Scenario::SentAndReferred => continue,
            Scenario::Declined => {
                store
                    .decide_referral(
                        &clock.audit(&to, to.officer),
                        &receiver,
                        id,
                        false,
                        Some(&text("no shelter place for this profile this month; please try the national hotline")?),
                    )
                    .await?;
                continue;
            }
            _ => {}
        }
        store
            .decide_referral(&clock.audit(&to, to.officer), &receiver, id, true, None)
            .await?;
        if matches!(sc, Scenario::Accepted) {
            continue;
        }
        store
            .move_referral(
                &clock.audit(&to, to.officer),
                &receiver,
                id,
                &StatusMove::Start,
            )
            .await?;
        let through: &[Stage] = match sc {
            Scenario::AssistanceUnderway => &[],
            Scenario::Monitoring => &[Stage::Assistance],
            Scenario::Reintegration => &[Stage::Assistance, Stage::Monitoring, Stage::Return],
            _ => &[
                Stage::Assistance,
                Stage::Monitoring,
                Stage::Return,
                Stage::Reintegration,
            ],
        };
        for stage in through {
            work_stage(store, &mut clock, &to, id, *stage, n).await?;
            store
                .post_referral_update(
                    &clock.audit(&to, to.officer),
                    &receiver,
                    id,
                    &text(&format!(
                        "{} completed; the person is safe and in regular contact with us.",
                        stage.as_str()
                    ))?,
                    true,
                )
                .await?;
        }
        if matches!(sc, Scenario::AssistanceUnderway) {
            store
                .post_referral_update(
                    &clock.audit(&to, to.officer),
                    &receiver,
                    id,
                    &text("Internal: check the interpreter's availability next week.")?,
                    false,
                )
                .await?;
        }
        if let Scenario::Closed(_) = sc {
            fill_tool(
                store,
                &mut clock,
                &to,
                id,
                "case_closure",
                &[
                    ("closed_on", "2026-03-01"),
                    ("person_informed", "yes"),
                    ("summary", "Shelter, medical care and a safe return; reintegration support agreed with the family."),
                ],
            )
            .await?;
        }
        if let Scenario::Closed(outcome) = sc {
            store
                .move_referral(
                    &clock.audit(&to, to.officer),
                    &receiver,
                    id,
                    &StatusMove::Close {
                        outcome,
                        note: Some(text("Case closed with the person's agreement.")?),
                    },
                )
                .await?;
        }
        // Half-way, every organisation revises its procedures: later
        // cases get version 2, earlier ones keep version 1.
        if n == DEMO_REFERRALS / 2 {
            for side in &everyone {
                for stage in Stage::ALL {
                    store
                        .save_sop_template(
                            &clock.audit(side, side.admin),
                            &OrgScope::new(side.org),
                            *stage,
                            &sop(*stage, true)?,
                        )
                        .await?;
                    templates += 1;
                }
            }
        }
    }
    Ok(Summary {
        referrals: made,
        templates,
        seconds: 0.0,
    })
}
