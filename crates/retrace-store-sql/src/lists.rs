//! The lists of sought persons, gallery entries and visitors' reports
//! (issue 15, item 7): each filter builds only the conditions it sets, like
//! the request list's, and every order ends on the id.

use crate::gallery::{ENTRY_COLUMNS, REPORT_COLUMNS};
use crate::tracing::{
    PERSON_COLUMNS, REQUEST_COLUMNS, flag_column, id_list, page_size, person_has_candidate,
    request_flagged, request_has_candidate, text_pattern,
};
use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event, json_values};
use async_trait::async_trait;
use retrace_domain::{AuditAction, EntryStatus, ObjectKind, OrgId, RequestId};
use retrace_store::backend;
use retrace_store::{
    AuditContext, EntryFilter, EntrySummary, GalleryListFilter, ListOrder, ListStore, OrgScope,
    ReportFilter, ReportState, ReportSummary, RequestLine, SoughtFilter, SoughtSummary, StoreError,
    StoreResult,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};
use std::collections::HashMap;

/// The condition a line's state (of an entry or a report) sets, and the
/// value it binds.
trait ListState {
    fn condition(&self) -> (&'static str, Option<&'static str>);
}

impl ListState for EntryStatus {
    fn condition(&self) -> (&'static str, Option<&'static str>) {
        (" AND g.status = ", Some(self.as_str()))
    }
}

impl ListState for ReportState {
    fn condition(&self) -> (&'static str, Option<&'static str>) {
        match self {
            ReportState::Is(status) => (" AND x.status = ", Some(status.as_str())),
            ReportState::Handled => (" AND x.status <> 'new'", None),
        }
    }
}

/// Where a Trace the Face list reads: its table, alias, columns and the
/// orders of `ListOrder`.
struct GalleryList {
    from: &'static str,
    alias: &'static str,
    columns: &'static str,
    orders: [&'static str; 4],
    /// The object of its `persons_listed` entry.
    listed: &'static str,
}

const ENTRIES: GalleryList = GalleryList {
    from: "gallery_entries g",
    alias: "g",
    columns: ENTRY_COLUMNS,
    orders: [
        "g.created_at DESC, g.id DESC",
        "g.created_at, g.id",
        "COALESCE(g.published_at, g.created_at) DESC, g.id DESC",
        "g.reference, g.id",
    ],
    listed: "gallery",
};

const REPORTS: GalleryList = GalleryList {
    from: "information_reports x",
    alias: "x",
    columns: REPORT_COLUMNS,
    orders: [
        "x.received_at DESC, x.id DESC",
        "x.received_at, x.id",
        "COALESCE(x.reviewed_at, x.received_at) DESC, x.id DESC",
        "x.reference, x.id",
    ],
    listed: "reports",
};

fn order_index(order: ListOrder) -> usize {
    match order {
        ListOrder::Newest => 0,
        ListOrder::Oldest => 1,
        ListOrder::Updated => 2,
        ListOrder::Alphabetical => 3,
    }
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
    /// `AND <column> IN (<the JSON list>)`.
    fn push_only(query: &mut sqlx::QueryBuilder<D::Db>, column: &str, only: Option<&str>) {
        if let Some(only) = only {
            query
                .push(format!(" AND {column} IN ("))
                .push(D::JSON_VALUES.0)
                .push_bind(only.to_owned())
                .push(D::JSON_VALUES.1)
                .push(")");
        }
    }

    /// The sought-person filter after `prefix`.
    fn sought_filter<'a>(
        prefix: &str,
        org: OrgId,
        filter: &'a SoughtFilter,
        text: Option<&'a str>,
        only: Option<&'a str>,
    ) -> sqlx::QueryBuilder<D::Db> {
        let mut query = sqlx::QueryBuilder::new(prefix);
        query.push(
            " FROM persons p JOIN tracing_requests r ON r.id = p.request_id AND r.org_id = p.org_id \
             WHERE p.org_id = ",
        );
        query.push_bind(org.to_string());
        query.push(" AND p.role = 'sought'");
        if let Some(status) = filter.status.as_deref() {
            query.push(" AND r.status = ").push_bind(status.to_owned());
        }
        if let Some(flag) = filter.flag {
            query.push(" AND ").push(flag_column(flag));
        }
        if let Some(text) = text {
            query
                .push(" AND (p.search_text LIKE ")
                .push_bind(text.to_owned())
                .push(" ESCAPE '\\' OR r.reference_key LIKE ")
                .push_bind(text.to_owned())
                .push(" ESCAPE '\\')");
        }
        Self::push_only(&mut query, "p.id", only);
        for (wanted, pending) in [(filter.with_candidates, false), (filter.to_review, true)] {
            if wanted {
                query.push(person_has_candidate(pending));
            }
        }
        query
    }

    /// The filter of a Trace the Face list after `prefix`: its state, the
    /// reference or a name of the request's persons, a name search, a
    /// flag, candidates.
    fn gallery_filter<S: ListState>(
        prefix: &str,
        list: &GalleryList,
        org: OrgId,
        filter: &GalleryListFilter<S>,
        text: Option<&str>,
        only: Option<&str>,
    ) -> sqlx::QueryBuilder<D::Db> {
        let alias = list.alias;
        let mut query = sqlx::QueryBuilder::new(prefix);
        query.push(format!(" FROM {} WHERE {alias}.org_id = ", list.from));
        query.push_bind(org.to_string());
        if let Some(state) = &filter.state {
            let (condition, value) = state.condition();
            query.push(condition);
            if let Some(value) = value {
                query.push_bind(value.to_owned());
            }
        }
        let request = format!("{alias}.request_id");
        if let Some(text) = text {
            // References are stored without the dash they are shown with.
            query
                .push(format!(" AND (LOWER({alias}.reference) LIKE "))
                .push_bind(text.replace('-', ""))
                .push(format!(
                    " ESCAPE '\\' OR EXISTS (SELECT 1 FROM persons p WHERE p.request_id = {request} \
                     AND p.search_text LIKE "
                ))
                .push_bind(text.to_owned())
                .push(" ESCAPE '\\'))");
        }
        Self::push_only(&mut query, &request, only);
        if let Some(flag) = filter.flag {
            query.push(request_flagged(&request, flag));
        }
        if filter.with_candidates {
            query.push(request_has_candidate(
                &request,
                &format!("{alias}.org_id"),
                false,
            ));
        }
        query
    }

    /// The total of a filtered list and one page of it, `decode`d.
    async fn filtered_page<T>(
        conn: &mut Conn<D>,
        build: impl Fn(&str) -> sqlx::QueryBuilder<D::Db>,
        columns: &str,
        order: &str,
        (limit, offset): (u32, u32),
        decode: fn(&DbRow<D>) -> StoreResult<T>,
    ) -> StoreResult<(Vec<T>, u64)> {
        let total: i64 = build("SELECT COUNT(*)")
            .build_query_scalar()
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        let mut query = build(&format!("SELECT {columns}"));
        query
            .push(" ORDER BY ")
            .push(order)
            .push(" LIMIT ")
            .push_bind(i64::from(page_size(limit)))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
        let rows = query
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        let page = rows.iter().map(decode).collect::<StoreResult<Vec<_>>>()?;
        Ok((page, u64::try_from(total).unwrap_or_default()))
    }

    /// A page of a Trace the Face list, each line with what it says of its
    /// request (`request_of`); audited unless empty.
    async fn gallery_page<S: ListState, T>(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        list: &GalleryList,
        filter: &GalleryListFilter<S>,
        decode: fn(&DbRow<D>) -> StoreResult<T>,
        request_of: fn(&T) -> RequestId,
    ) -> StoreResult<(Vec<(T, RequestLine)>, u64)> {
        let text = text_pattern(filter.text.as_deref());
        let only = id_list("tracing_requests", filter.only.as_deref())?;
        let mut tx = Sql::<D>::begin(pool).await?;
        let build = |prefix: &str| {
            Sql::<D>::gallery_filter(
                prefix,
                list,
                scope.org(),
                filter,
                text.as_deref(),
                only.as_deref(),
            )
        };
        let (lines, total) = Sql::<D>::filtered_page(
            &mut tx,
            build,
            list.columns,
            list.orders[order_index(filter.order)],
            (filter.limit, filter.offset),
            decode,
        )
        .await?;
        if lines.is_empty() {
            Sql::<D>::listed(tx, audit, false, list.listed).await?;
            return Ok((Vec::new(), total));
        }
        let mut ids: Vec<String> = lines.iter().map(|l| request_of(l).to_string()).collect();
        ids.sort_unstable();
        ids.dedup();
        let requests = Sql::<D>::request_lines(&mut tx, ids).await?;
        let page = lines
            .into_iter()
            .map(|line| {
                let request = requests
                    .get(&request_of(&line))
                    .cloned()
                    .unwrap_or_default();
                (line, request)
            })
            .collect();
        Sql::<D>::listed(tx, audit, true, list.listed).await?;
        Ok((page, total))
    }

    /// The enquirer, flags and candidate counts of each request of `ids`.
    async fn request_lines(
        conn: &mut Conn<D>,
        ids: Vec<String>,
    ) -> StoreResult<HashMap<RequestId, RequestLine>> {
        let ids_json = backend::to_json("tracing_requests", &ids)?;
        let mut counts = Self::candidate_counts(conn, "p.request_id", &ids_json).await?;
        let person_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM persons p WHERE p.request_id IN ({}) \
             ORDER BY p.request_id, p.position, p.id",
            json_values::<D>("$1")
        )))
        .bind(ids_json)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let persons = person_rows
            .iter()
            .map(Sql::<D>::person)
            .collect::<StoreResult<Vec<_>>>()?;
        backend::persons_by_request(persons)
            .into_iter()
            .map(|(id, persons)| {
                let candidates = counts.remove(&id.to_string()).unwrap_or_default();
                Ok((id, backend::request_line(persons, candidates)?))
            })
            .collect()
    }

    /// Appends `persons_listed` for a page that showed names, and ends the
    /// read's transaction.
    async fn listed(
        mut tx: sqlx::Transaction<'static, D::Db>,
        audit: &AuditContext,
        shown: bool,
        list: &str,
    ) -> StoreResult<()> {
        if shown {
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(AuditAction::PersonsListed, ObjectKind::Person, list),
            )
            .await?;
            tx.commit().await.map_err(db_error)
        } else {
            tx.rollback().await.map_err(db_error)
        }
    }
}

fn missing_request() -> StoreError {
    StoreError::Corrupt {
        table: "persons",
        detail: "a listed line has no request".to_owned(),
    }
}

#[async_trait]
impl<D> ListStore for SqlStore<D>
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
    async fn list_sought(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &SoughtFilter,
    ) -> StoreResult<(Vec<SoughtSummary>, u64)> {
        let text = text_pattern(filter.text.as_deref());
        let only = id_list("persons", filter.only.as_deref())?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let build = |prefix: &str| {
            Sql::<D>::sought_filter(
                prefix,
                scope.org(),
                filter,
                text.as_deref(),
                only.as_deref(),
            )
        };
        let (people, total) = Sql::<D>::filtered_page(
            &mut tx,
            build,
            PERSON_COLUMNS,
            match filter.order {
                ListOrder::Newest => "p.created_at DESC, p.id DESC",
                ListOrder::Oldest => "p.created_at, p.id",
                ListOrder::Updated => "p.updated_at DESC, p.id DESC",
                ListOrder::Alphabetical => "p.search_text, p.id",
            },
            (filter.limit, filter.offset),
            Sql::<D>::person,
        )
        .await?;
        if people.is_empty() {
            Sql::<D>::listed(tx, audit, false, "sought").await?;
            return Ok((Vec::new(), total));
        }
        let person_ids: Vec<String> = people.iter().map(|p| p.id.to_string()).collect();
        let mut counts =
            Sql::<D>::candidate_counts(&mut tx, "p.id", &backend::to_json("persons", &person_ids)?)
                .await?;
        let mut request_ids: Vec<String> = people
            .iter()
            .filter_map(|p| p.request.map(|r| r.to_string()))
            .collect();
        request_ids.sort_unstable();
        request_ids.dedup();
        let request_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REQUEST_COLUMNS} FROM tracing_requests r WHERE r.id IN ({})",
            json_values::<D>("$1")
        )))
        .bind(backend::to_json("tracing_requests", &request_ids)?)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut headings = HashMap::new();
        for row in &request_rows {
            let (id, reference, status) = Sql::<D>::request_row(row)?.heading()?;
            headings.insert(id, (reference, status));
        }
        let mut page = Vec::with_capacity(people.len());
        for person in people {
            let request = person.request.ok_or_else(missing_request)?;
            let (reference, status) = headings.get(&request).ok_or_else(missing_request)?;
            page.push(SoughtSummary {
                candidates: counts.remove(&person.id.to_string()).unwrap_or_default(),
                request,
                reference: reference.clone(),
                status: *status,
                person,
            });
        }
        Sql::<D>::listed(tx, audit, true, "sought").await?;
        Ok((page, total))
    }

    async fn list_gallery_entries(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &EntryFilter,
    ) -> StoreResult<(Vec<EntrySummary>, u64)> {
        let (lines, total) = Sql::<D>::gallery_page(
            &self.pool,
            audit,
            scope,
            &ENTRIES,
            filter,
            Sql::<D>::entry,
            |entry| entry.request,
        )
        .await?;
        let page = lines
            .into_iter()
            .map(|(entry, request)| EntrySummary { entry, request })
            .collect();
        Ok((page, total))
    }

    async fn list_reports(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &ReportFilter,
    ) -> StoreResult<(Vec<ReportSummary>, u64)> {
        let (lines, total) = Sql::<D>::gallery_page(
            &self.pool,
            audit,
            scope,
            &REPORTS,
            filter,
            Sql::<D>::report,
            |report| report.request,
        )
        .await?;
        let page = lines
            .into_iter()
            .map(|(report, request)| ReportSummary { report, request })
            .collect();
        Ok((page, total))
    }
}
