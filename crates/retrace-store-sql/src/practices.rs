//! The smart-practices database (issue 14, item 2). Every read puts who may
//! see what in the query (`VISIBLE`): published practices for anyone, in
//! review for the network's members, held and declined ones for its
//! coordinating organisations. Every change locks the practice's row, asks
//! the domain's rule with what the transaction reads, and writes its audit
//! entry in the same transaction.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, Value, db_error, event};
use async_trait::async_trait;
use retrace_domain::library::TextLanguage;
use retrace_domain::practice::join_codes;
use retrace_domain::{
    AuditAction, Cost, CountryCode, GcmObjective, GivenReview, MemberRole, NetworkId, NetworkName,
    NewPractice, ObjectKind, OrgId, OrgName, PracticeId, PracticeStatus, PracticeText,
    PublishRefusal, ReviewRefusal, RoleSet, RouteStage, SupportType, Text, Timestamp, UserId,
    Verdict, may_moderate, publish_decision, review_decision,
};
use retrace_store::{
    AuditContext, FormStamp, OrgScope, Practice, PracticeFilter, PracticeReader, PracticeReview,
    PracticeStore, PracticeSummary, SeedPractice, StoreError, StoreResult,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// Every column of a practice with its network's and organisation's names,
/// its count of reviews and the reader's (`$1`) place in its network.
const COLUMNS: &str = "SELECT p.*, n.name AS network_name, o.name AS org_name, \
     (SELECT COUNT(*) FROM practice_reviews r WHERE r.practice_id = p.id) AS review_count, \
     (SELECT m.role FROM network_members m WHERE m.network_id = p.network_id \
      AND m.org_id = $1) AS membership \
     FROM practices p JOIN networks n ON n.id = p.network_id \
     LEFT JOIN organisations o ON o.id = p.org_id";

/// What the reader `$1` (an organisation id, or '' for the public) sees.
const VISIBLE: &str = "(p.status = 'published' \
     OR (p.status = 'in_review' AND EXISTS (SELECT 1 FROM network_members m \
         WHERE m.network_id = p.network_id AND m.org_id = $1)) \
     OR (p.status IN ('held', 'declined') AND EXISTS (SELECT 1 FROM network_members m \
         WHERE m.network_id = p.network_id AND m.org_id = $1 AND m.role = 'coordinator')) \
     OR (p.status = 'declined' AND p.org_id = $1))";

/// Newest first: by publication, or submission while not published.
const NEWEST: &str = "COALESCE(p.published_at, p.submitted_at) DESC, p.id";

const INSERT: &str = "INSERT INTO practices (id, network_id, org_id, author_id, status, language, \
     title, stages, support, implementers, funders, countries, target_group, impact, \
     cost_amount, cost_currency, challenges, lessons, recommendations, objectives, terms, \
     submitted_at, published_at)";

fn parse<T, E: std::fmt::Display>(value: Result<T, E>) -> StoreResult<T> {
    value.map_err(|error| StoreError::Corrupt {
        table: "practices",
        detail: error.to_string(),
    })
}

fn codes<T>(
    text: &str,
    one: impl Fn(&str) -> Result<T, retrace_domain::InvalidValue>,
) -> StoreResult<Vec<T>> {
    text.split(',')
        .filter(|code| !code.is_empty())
        .map(|code| parse(one(code)))
        .collect()
}

fn reader_org(reader: PracticeReader) -> String {
    match reader {
        PracticeReader::Public => String::new(),
        PracticeReader::Member(scope) => scope.org().to_string(),
    }
}

fn review_refused(refusal: ReviewRefusal) -> StoreError {
    match refusal.problem() {
        Some(problem) => StoreError::Refused {
            field: "verdict",
            problem,
        },
        None => StoreError::NotFound,
    }
}

fn publish_refused(refusal: PublishRefusal) -> StoreError {
    match refusal.problem() {
        Some(problem) => StoreError::Refused {
            field: "status",
            problem,
        },
        None => StoreError::NotFound,
    }
}

/// `NotFound` unless an organisation in the practice's network as `role`
/// sees a practice in `status` (what `VISIBLE` says; a declined practice's
/// own organisation sees it but changes nothing).
fn seen(status: PracticeStatus, role: Option<MemberRole>) -> StoreResult<()> {
    let seen = match status {
        PracticeStatus::Published => true,
        PracticeStatus::InReview => role.is_some(),
        PracticeStatus::Held | PracticeStatus::Declined => role == Some(MemberRole::Coordinator),
    };
    if seen {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// The text columns of a practice in the order of `INSERT` after the
/// status.
struct Written {
    stages: String,
    support: String,
    countries: String,
    objectives: String,
    terms: String,
}

impl Written {
    fn of(practice: &NewPractice) -> Self {
        Self {
            stages: join_codes(&practice.stages),
            support: join_codes(&practice.support),
            countries: join_codes(&practice.countries),
            objectives: join_codes(&practice.objectives),
            terms: practice.search_terms(),
        }
    }
}

/// One row of `INSERT`'s values.
fn insert_row<'a>(
    ids: &'a [String; 4],
    status: PracticeStatus,
    practice: &'a NewPractice,
    written: &'a Written,
    at: Timestamp,
) -> Vec<Value<'a>> {
    let opt = |text: &'a Option<Text>| Value::MaybeText(text.as_ref().map(Text::as_str));
    let [id, network, org, author] = ids;
    let maybe = |value: &'a String| Value::MaybeText((!value.is_empty()).then_some(value.as_str()));
    vec![
        Value::Text(id),
        Value::Text(network),
        maybe(org),
        maybe(author),
        Value::Text(status.as_str()),
        Value::Text(practice.language.as_str()),
        Value::Text(practice.title.as_str()),
        Value::Text(&written.stages),
        Value::Text(&written.support),
        Value::Text(practice.implementers.as_str()),
        opt(&practice.funders),
        Value::Text(&written.countries),
        Value::Text(practice.target_group.as_str()),
        Value::Text(practice.impact.as_str()),
        Value::MaybeInt(practice.cost.as_ref().map(|c| i64::from(c.amount))),
        Value::MaybeText(practice.cost.as_ref().map(|c| c.currency.as_str())),
        opt(&practice.challenges),
        opt(&practice.lessons),
        opt(&practice.recommendations),
        Value::Text(&written.objectives),
        Value::Text(&written.terms),
        Value::Int(at.as_millis()),
        Value::MaybeInt((status == PracticeStatus::Published).then_some(at.as_millis())),
    ]
}

impl<D> Sql<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    fn practice_summary(row: &DbRow<D>) -> StoreResult<PracticeSummary> {
        let text = |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_error) };
        let maybe =
            |column: &str| -> StoreResult<Option<String>> { row.try_get(column).map_err(db_error) };
        let reviews: i64 = row.try_get("review_count").map_err(db_error)?;
        let published: Option<i64> = row.try_get("published_at").map_err(db_error)?;
        Ok(PracticeSummary {
            id: parse(text("id")?.parse::<PracticeId>())?,
            network: parse(text("network_id")?.parse::<NetworkId>())?,
            network_name: parse(NetworkName::parse(&text("network_name")?))?,
            org: maybe("org_id")?
                .map(|id| parse(id.parse::<OrgId>()))
                .transpose()?,
            org_name: maybe("org_name")?
                .map(|name| parse(OrgName::parse(&name)))
                .transpose()?,
            status: parse(PracticeStatus::parse(&text("status")?))?,
            language: parse(TextLanguage::parse(&text("language")?))?,
            title: parse(Text::parse("title", &text("title")?, 200, false))?,
            stages: codes(&text("stages")?, RouteStage::parse)?,
            support: codes(&text("support")?, SupportType::parse)?,
            countries: codes(&text("countries")?, CountryCode::parse)?,
            objectives: codes(&text("objectives")?, GcmObjective::parse)?,
            reviews: u32::try_from(reviews).unwrap_or(0),
            submitted_at: Timestamp::from_millis(row.try_get("submitted_at").map_err(db_error)?),
            published_at: published.map(Timestamp::from_millis),
        })
    }

    fn practice_content(row: &DbRow<D>, summary: &PracticeSummary) -> StoreResult<NewPractice> {
        let text = |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_error) };
        let maybe = |column: &str| -> StoreResult<String> {
            let value: Option<String> = row.try_get(column).map_err(db_error)?;
            Ok(value.unwrap_or_default())
        };
        let amount: Option<i64> = row.try_get("cost_amount").map_err(db_error)?;
        let (implementers, funders, target_group, impact) = (
            text("implementers")?,
            maybe("funders")?,
            text("target_group")?,
            text("impact")?,
        );
        let (challenges, lessons, recommendations) = (
            maybe("challenges")?,
            maybe("lessons")?,
            maybe("recommendations")?,
        );
        let cost = parse(Cost::parse(
            &amount.map(|a| a.to_string()).unwrap_or_default(),
            &maybe("cost_currency")?,
        ))?;
        parse(NewPractice::new(
            summary.language,
            &PracticeText {
                title: summary.title.as_str(),
                implementers: &implementers,
                funders: &funders,
                target_group: &target_group,
                impact: &impact,
                challenges: &challenges,
                lessons: &lessons,
                recommendations: &recommendations,
            },
            summary.stages.clone(),
            summary.support.clone(),
            summary.countries.clone(),
            cost,
            summary.objectives.clone(),
        ))
    }

    /// The practice's network, organisation and status, its row locked,
    /// with the organisation's place in the network and the reviews.
    async fn practice_for_change(
        conn: &mut Conn<D>,
        id: PracticeId,
        org: OrgId,
    ) -> StoreResult<(
        NetworkId,
        Option<OrgId>,
        PracticeStatus,
        Option<MemberRole>,
        Vec<GivenReview>,
    )> {
        let sql = format!(
            "SELECT network_id, org_id, status FROM practices WHERE id = $1{}",
            D::FOR_UPDATE
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?
        else {
            return Err(StoreError::NotFound);
        };
        let network: String = row.try_get("network_id").map_err(db_error)?;
        let network = parse(network.parse::<NetworkId>())?;
        let practice_org: Option<String> = row.try_get("org_id").map_err(db_error)?;
        let practice_org = practice_org
            .map(|id| parse(id.parse::<OrgId>()))
            .transpose()?;
        let status: String = row.try_get("status").map_err(db_error)?;
        let status = parse(PracticeStatus::parse(&status))?;
        let role: Option<String> = sqlx::query_scalar(
            "SELECT role FROM network_members WHERE network_id = $1 AND org_id = $2",
        )
        .bind(network.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let role = role
            .map(|role| parse(MemberRole::parse(&role)))
            .transpose()?;
        let rows = sqlx::query(
            "SELECT reviewer_id, org_id, verdict FROM practice_reviews WHERE practice_id = $1",
        )
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let reviews = rows
            .iter()
            .map(|row| {
                let text =
                    |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_error) };
                Ok(GivenReview {
                    reviewer: parse(text("reviewer_id")?.parse::<UserId>())?,
                    org: parse(text("org_id")?.parse::<OrgId>())?,
                    verdict: parse(Verdict::parse(&text("verdict")?))?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((network, practice_org, status, role, reviews))
    }

    async fn insert_practices(
        conn: &mut Conn<D>,
        rows: &[(String, &SeedPractice)],
        authors: &[String],
    ) -> StoreResult<()> {
        let ids: Vec<[String; 4]> = rows
            .iter()
            .zip(authors)
            .map(|((id, seed), author)| {
                [
                    id.clone(),
                    seed.network.to_string(),
                    seed.org.map(|o| o.to_string()).unwrap_or_default(),
                    author.clone(),
                ]
            })
            .collect();
        let written: Vec<Written> = rows.iter().map(|(_, s)| Written::of(&s.practice)).collect();
        let values: Vec<Vec<Value<'_>>> = rows
            .iter()
            .zip(&ids)
            .zip(&written)
            .map(|(((_, seed), ids), written)| {
                insert_row(ids, seed.status, &seed.practice, written, seed.at)
            })
            .collect();
        Self::insert_rows(conn, INSERT, &values).await?;
        let tags: Vec<(String, String)> = rows
            .iter()
            .flat_map(|(id, seed)| {
                seed.practice
                    .tags()
                    .into_iter()
                    .map(move |tag| (id.clone(), tag))
            })
            .collect();
        let tag_rows: Vec<Vec<Value<'_>>> = tags
            .iter()
            .map(|(id, tag)| vec![Value::Text(id), Value::Text(tag)])
            .collect();
        Self::insert_rows(
            conn,
            "INSERT INTO practice_tags (practice_id, tag)",
            &tag_rows,
        )
        .await
    }
}

#[async_trait]
impl<D> PracticeStore for SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    async fn submit_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        network: NetworkId,
        practice: &NewPractice,
    ) -> StoreResult<PracticeId> {
        let id = PracticeId::random();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let role: Option<String> = sqlx::query_scalar(
            "SELECT role FROM network_members WHERE network_id = $1 AND org_id = $2",
        )
        .bind(network.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if role.is_none() {
            return Err(StoreError::NotFound);
        }
        if roles
            .iter()
            .all(|role| role == retrace_domain::Role::Viewer)
        {
            return Err(StoreError::Refused {
                field: "network",
                problem: retrace_domain::Problem::SubmitReadOnly,
            });
        }
        let seed = SeedPractice {
            network,
            org: Some(scope.org()),
            status: PracticeStatus::InReview,
            practice: practice.clone(),
            at: audit.at,
            reviews: Vec::new(),
        };
        let author = audit.actor.map(|u| u.to_string()).unwrap_or_default();
        Sql::<D>::insert_practices(&mut tx, &[(id.to_string(), &seed)], &[author]).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::PracticeSubmitted, ObjectKind::Practice, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn submit_public_practice(
        &self,
        audit: &AuditContext,
        network: NetworkId,
        practice: &NewPractice,
        stamp: &FormStamp,
    ) -> StoreResult<PracticeId> {
        let id = PracticeId::random();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        Sql::<D>::spend_form_stamp(&mut tx, audit.at, stamp).await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM networks WHERE id = $1")
            .bind(network.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        if exists == 0 {
            return Err(StoreError::NotFound);
        }
        let seed = SeedPractice {
            network,
            org: None,
            status: PracticeStatus::Held,
            practice: practice.clone(),
            at: audit.at,
            reviews: Vec::new(),
        };
        Sql::<D>::insert_practices(&mut tx, &[(id.to_string(), &seed)], &[String::new()]).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::PracticeSubmitted, ObjectKind::Practice, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn moderate_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        id: PracticeId,
        accept: bool,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let (_, _, status, role, _) =
            Sql::<D>::practice_for_change(&mut tx, id, scope.org()).await?;
        seen(status, role)?;
        if !may_moderate(role, roles) {
            return Err(StoreError::Refused {
                field: "decision",
                problem: retrace_domain::Problem::ModeratorsOnly,
            });
        }
        if status != PracticeStatus::Held {
            return Err(StoreError::Refused {
                field: "decision",
                problem: retrace_domain::Problem::NotHeld,
            });
        }
        let query = if accept {
            sqlx::query("UPDATE practices SET status = 'in_review', org_id = $2 WHERE id = $1")
                .bind(id.to_string())
                .bind(scope.org().to_string())
        } else {
            sqlx::query("UPDATE practices SET status = 'declined' WHERE id = $1")
                .bind(id.to_string())
        };
        query.execute(&mut *tx).await.map_err(db_error)?;
        let mut audit = audit.clone();
        audit.purpose = Some(if accept { "accepted" } else { "declined" }.to_owned());
        Sql::<D>::append(
            &mut tx,
            &audit,
            &event(AuditAction::PracticeModerated, ObjectKind::Practice, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn review_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        reviewer: UserId,
        id: PracticeId,
        verdict: Verdict,
        comment: &Text,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let (_, practice_org, status, role, reviews) =
            Sql::<D>::practice_for_change(&mut tx, id, scope.org()).await?;
        seen(status, role)?;
        review_decision(
            role,
            roles,
            status,
            practice_org,
            reviewer,
            scope.org(),
            &reviews,
        )
        .map_err(review_refused)?;
        sqlx::query(
            "INSERT INTO practice_reviews (practice_id, reviewer_id, org_id, verdict, comment, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(reviewer.to_string())
        .bind(scope.org().to_string())
        .bind(verdict.as_str())
        .bind(comment.as_str())
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::PracticeReviewed, ObjectKind::Practice, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn publish_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        id: PracticeId,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let (_, practice_org, status, role, reviews) =
            Sql::<D>::practice_for_change(&mut tx, id, scope.org()).await?;
        seen(status, role)?;
        publish_decision(role, roles, status, practice_org, scope.org(), &reviews)
            .map_err(publish_refused)?;
        sqlx::query("UPDATE practices SET status = 'published', published_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(audit.at.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::PracticePublished, ObjectKind::Practice, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn practice(
        &self,
        reader: PracticeReader,
        id: PracticeId,
    ) -> StoreResult<Option<Practice>> {
        let sql = format!("{COLUMNS} WHERE p.id = $2 AND {VISIBLE}");
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(reader_org(reader))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let summary = Sql::<D>::practice_summary(&row)?;
        let content = Sql::<D>::practice_content(&row, &summary)?;
        let author: Option<String> = row.try_get("author_id").map_err(db_error)?;
        let membership: Option<String> = row.try_get("membership").map_err(db_error)?;
        let membership = membership
            .map(|role| parse(MemberRole::parse(&role)))
            .transpose()?;
        let mut reviews = Vec::new();
        if membership.is_some() {
            let rows = sqlx::query(
                "SELECT r.reviewer_id, r.org_id, o.name AS org_name, r.verdict, r.comment, \
                 r.created_at FROM practice_reviews r JOIN organisations o ON o.id = r.org_id \
                 WHERE r.practice_id = $1 ORDER BY r.created_at, r.reviewer_id",
            )
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
            for row in &rows {
                let text =
                    |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_error) };
                reviews.push(PracticeReview {
                    reviewer: parse(text("reviewer_id")?.parse::<UserId>())?,
                    org: parse(text("org_id")?.parse::<OrgId>())?,
                    org_name: parse(OrgName::parse(&text("org_name")?))?,
                    verdict: parse(Verdict::parse(&text("verdict")?))?,
                    comment: parse(Text::parse("comment", &text("comment")?, 4000, true))?,
                    at: Timestamp::from_millis(row.try_get("created_at").map_err(db_error)?),
                });
            }
        }
        Ok(Some(Practice {
            summary,
            content,
            author: author.map(|id| parse(id.parse::<UserId>())).transpose()?,
            reviews,
            membership,
        }))
    }

    async fn practices(
        &self,
        reader: PracticeReader,
        filter: &PracticeFilter,
    ) -> StoreResult<Vec<PracticeSummary>> {
        let mut condition = String::from(VISIBLE);
        let mut binds = vec![reader_org(reader)];
        let mut bind = |condition: &mut String, sql: &str, value: String| {
            binds.push(value);
            condition.push_str(&sql.replace("$?", &format!("${}", binds.len())));
        };
        if let Some(status) = filter.status {
            bind(
                &mut condition,
                " AND p.status = $?",
                status.as_str().to_owned(),
            );
        }
        if let Some(network) = filter.network {
            bind(
                &mut condition,
                " AND p.network_id = $?",
                network.to_string(),
            );
        }
        if let Some(language) = filter.language {
            bind(
                &mut condition,
                " AND p.language = $?",
                language.as_str().to_owned(),
            );
        }
        let tags = [
            filter.stage.map(|s| format!("stage:{s}")),
            filter.support.map(|s| format!("support:{s}")),
            filter.country.map(|c| format!("country:{c}")),
            filter.objective.map(|o| format!("gcm:{o}")),
        ];
        for tag in tags.into_iter().flatten() {
            bind(
                &mut condition,
                " AND EXISTS (SELECT 1 FROM practice_tags t WHERE t.practice_id = p.id \
                 AND t.tag = $?)",
                tag,
            );
        }
        for group in &filter.terms {
            condition.push_str(" AND (");
            for (i, term) in group.iter().enumerate() {
                if i > 0 {
                    condition.push_str(" OR ");
                }
                bind(&mut condition, "p.terms LIKE $?", format!("% {term} %"));
            }
            condition.push(')');
        }
        // The ids are chosen and sorted on narrow rows first; only the page
        // is read in full.
        let sql = format!(
            "{COLUMNS} WHERE p.id IN (SELECT p.id FROM practices p WHERE {condition} \
             ORDER BY {NEWEST} LIMIT {}) ORDER BY {NEWEST}",
            filter.limit
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(db_error)?;
        rows.iter().map(Sql::<D>::practice_summary).collect()
    }

    async fn seed_practices(
        &self,
        audit: &AuditContext,
        practices: &[SeedPractice],
    ) -> StoreResult<u64> {
        let rows: Vec<(String, &SeedPractice)> = practices
            .iter()
            .map(|seed| (PracticeId::random().to_string(), seed))
            .collect();
        let authors = vec![String::new(); rows.len()];
        let review_text: Vec<[String; 3]> = rows
            .iter()
            .flat_map(|(id, seed)| {
                seed.reviews
                    .iter()
                    .map(move |(user, org, _, _)| [id.clone(), user.to_string(), org.to_string()])
            })
            .collect();
        let reviews: Vec<(&Verdict, &Text, Timestamp)> = rows
            .iter()
            .flat_map(|(_, seed)| {
                seed.reviews
                    .iter()
                    .map(move |(_, _, verdict, comment)| (verdict, comment, seed.at))
            })
            .collect();
        let review_rows: Vec<Vec<Value<'_>>> = review_text
            .iter()
            .zip(&reviews)
            .map(|(text, (verdict, comment, at))| {
                vec![
                    Value::Text(&text[0]),
                    Value::Text(&text[1]),
                    Value::Text(&text[2]),
                    Value::Text(verdict.as_str()),
                    Value::Text(comment.as_str()),
                    Value::Int(at.as_millis()),
                ]
            })
            .collect();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        if !rows.is_empty() {
            Sql::<D>::insert_practices(&mut tx, &rows, &authors).await?;
        }
        if !review_rows.is_empty() {
            Sql::<D>::insert_rows(
                &mut tx,
                "INSERT INTO practice_reviews (practice_id, reviewer_id, org_id, verdict, \
                 comment, created_at)",
                &review_rows,
            )
            .await?;
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::DemoDataLoaded,
                ObjectKind::Practice,
                practices.len(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(practices.len() as u64)
    }
}
