//! The CSV and XLSX import pages: the upload and its dry run, the commit
//! running in the background with a progress bar (a `<progress>` element
//! on a page that refreshes itself with `<meta http-equiv="refresh">`: no
//! script), and the organisation's column mapping with a preview of the
//! first rows. The import itself is `retrace_app::csv_import`.
//!
//! A dry run's file waits in memory for its commit (at most
//! `MAX_PENDING` files, each for an hour), under a random token bound to
//! the member who uploaded it: anyone else gets "not found". Each duplicate
//! row of the dry run has a "create anyway" box (none ticked); the lines
//! ticked go with the commit, and those rows are created all the same.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, Importer};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::i18n::Arg;
use crate::page::Page;
use crate::templates::{self, CsvRowView, render};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::csv_import::{
    ColumnMapping, CreatedRow, Duplicate, ImportFailure, ImportKind, ImportPlan, ImportRequest,
    MAX_UPLOAD_BYTES, Phase, ReadError, Refusal, RowOutcome, TextEncoding, import_file,
    parse_lines, preview, save_mapping, saved_mapping,
};
use retrace_domain::Problem;
use retrace_domain::{OrgId, UserId};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Files kept between a dry run and its commit.
const MAX_PENDING: usize = 16;
const PENDING_FOR: Duration = Duration::from_secs(3600);
/// Rows of a dry run shown on the page (every count is complete).
const ROWS_SHOWN: usize = 1000;
/// Ranges of unlisted duplicate lines named on the page.
const UNLISTED_RANGES_SHOWN: usize = 200;

#[derive(Default)]
struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    storing: AtomicBool,
    finished: Mutex<Option<Finished>>,
}

/// How a commit ended.
#[derive(Clone)]
enum Finished {
    /// Stored: how many rows were created (how many of them duplicates
    /// created anyway), and the first `ROWS_SHOWN` of them.
    Created {
        count: usize,
        anyway: usize,
        shown: Vec<CreatedRow>,
    },
    /// Nothing stored: rows refused now, or nothing to create.
    NotCommitted { refused: usize },
    /// Nothing stored: the file or the choices do not fit any more.
    Failed(ImportFailure),
    /// Nothing stored: an error of the server (logged).
    Internal,
}

struct Job {
    user: UserId,
    org: OrgId,
    kind: ImportKind,
    encoding: TextEncoding,
    file_name: String,
    bytes: Option<Arc<Vec<u8>>>,
    progress: Arc<Progress>,
    created: Instant,
}

static JOBS: LazyLock<Mutex<HashMap<String, Job>>> = LazyLock::new(Mutex::default);

fn jobs() -> std::sync::MutexGuard<'static, HashMap<String, Job>> {
    JOBS.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` on the member's own job; anyone else's is not found.
fn with_job<T>(member: &Importer, token: &str, f: impl FnOnce(&mut Job) -> T) -> WebResult<T> {
    let mut jobs = jobs();
    match jobs.get_mut(token) {
        Some(job) if job.user == member.user.id && job.org == member.org => Ok(f(job)),
        _ => Err(WebError::NotFound),
    }
}

fn keep_job(job: Job) -> String {
    let token = retrace_app::random_token(18);
    let mut jobs = jobs();
    jobs.retain(|_, job| job.created.elapsed() < PENDING_FOR);
    while jobs.len() >= MAX_PENDING {
        let oldest = jobs
            .iter()
            .min_by_key(|(_, job)| job.created)
            .map(|(token, _)| token.clone());
        match oldest {
            Some(token) => jobs.remove(&token),
            None => break,
        };
    }
    jobs.insert(token.clone(), job);
    token
}

fn kind_options(page: &Page, chosen: ImportKind) -> Vec<(String, String, bool)> {
    ImportKind::ALL
        .into_iter()
        .map(|kind| {
            (
                kind.code().to_owned(),
                page.t(&format!("import-kind-{}", kind.code())),
                kind == chosen,
            )
        })
        .collect()
}

fn form_page(page: &Page, kind: ImportKind) -> templates::CsvImportPage<'_> {
    templates::CsvImportPage {
        page,
        kinds: kind_options(page, kind),
        problem: None,
        report: None,
    }
}

pub async fn csv_form(page: Page, _member: Importer) -> WebResult<Response> {
    Ok(render(&form_page(&page, ImportKind::Requests))?.into_response())
}

/// The fields of a multipart form: text fields, and the file's name and
/// bytes.
#[derive(Default)]
struct Upload {
    fields: HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
}

async fn read_upload(mut multipart: Multipart) -> WebResult<Upload> {
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge);
            }
            Err(_) => return Err(WebError::invalid("form", Problem::FormUnreadable)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = match field.bytes().await {
            Ok(data) => data.to_vec(),
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge);
            }
            Err(_) => return Err(WebError::invalid("form", Problem::FormUnreadable)),
        };
        if name == "file" {
            if !data.is_empty() {
                upload.file = Some((file_name.unwrap_or_default(), data));
            }
        } else {
            upload
                .fields
                .insert(name, String::from_utf8_lossy(&data).into_owned());
        }
    }
    Ok(upload)
}

fn kind_and_encoding(upload: &Upload) -> WebResult<(ImportKind, TextEncoding)> {
    let field = |name: &str| upload.fields.get(name).map_or("", String::as_str);
    let kind = ImportKind::parse(field("kind"))?;
    let encoding = TextEncoding::parse(field("encoding"))?;
    Ok((kind, encoding))
}

/// Why a row is refused, in the page's language: its line, the column
/// (by the file's header) when the refusal is about one, and the problem.
fn refusal_text(page: &Page, line: u64, refusal: &Refusal) -> String {
    let line = Arg::Number(i64::try_from(line).unwrap_or(i64::MAX));
    let problem = Arg::Words(page.lang.problem(&refusal.problem));
    match &refusal.column {
        Some(column) => page.lang.t_with(
            "import-refused-at-column",
            &[
                ("line", line),
                ("column", Arg::Text(column.clone())),
                ("problem", problem),
            ],
        ),
        None => page.lang.t_with(
            "import-refused-at-line",
            &[("line", line), ("problem", problem)],
        ),
    }
}

/// The translation key and detail of a duplicate.
fn duplicate_view(duplicate: &Duplicate) -> (&'static str, String) {
    match duplicate {
        Duplicate::OfRow { line } => ("import-row-duplicate-row", line.to_string()),
        Duplicate::OfPerson {
            person,
            score_milli,
        } => (
            "import-row-duplicate-person",
            format!(
                "{person} ({}.{:03})",
                score_milli / 1000,
                score_milli % 1000
            ),
        ),
    }
}

fn row_view(page: &Page, line: u64, name: &str, outcome: &RowOutcome) -> CsvRowView {
    let (key, detail) = match outcome {
        RowOutcome::Create => ("import-row-create", String::new()),
        RowOutcome::AlreadyImported(person) => ("import-row-already", person.to_string()),
        RowOutcome::Duplicate(duplicate) => duplicate_view(duplicate),
        RowOutcome::CreateAnyway(duplicate) => {
            let (key, detail) = duplicate_view(duplicate);
            (
                "import-row-created-anyway",
                format!("{} {detail}", page.t(key)),
            )
        }
        RowOutcome::Refused(refusals) => (
            "import-row-refused",
            refusals
                .iter()
                .map(|refusal| refusal_text(page, line, refusal))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
    };
    CsvRowView {
        line,
        name: name.to_owned(),
        outcome: page.t(key),
        refused: matches!(outcome, RowOutcome::Refused(_)),
        duplicate: matches!(outcome, RowOutcome::Duplicate(_)),
        detail,
    }
}

/// Increasing line numbers as ranges: `4`, `1003-1010`.
fn line_ranges(lines: impl Iterator<Item = u64>) -> Vec<String> {
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    for line in lines {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == line => *last = line,
            _ => ranges.push((line, line)),
        }
    }
    ranges
        .into_iter()
        .map(|(first, last)| {
            if first == last {
                first.to_string()
            } else {
                format!("{first}-{last}")
            }
        })
        .collect()
}

fn report_view(page: &Page, plan: &ImportPlan, token: Option<String>) -> templates::CsvReport {
    // Problems first, then the rest, up to ROWS_SHOWN.
    let mut rows: Vec<CsvRowView> = plan
        .rows
        .iter()
        .filter(|row| !matches!(row.outcome, RowOutcome::Create))
        .chain(
            plan.rows
                .iter()
                .filter(|row| matches!(row.outcome, RowOutcome::Create)),
        )
        .take(ROWS_SHOWN)
        .map(|row| row_view(page, row.line, &row.name, &row.outcome))
        .collect();
    rows.sort_by_key(|row| row.line);
    let listed: BTreeSet<u64> = rows.iter().map(|row| row.line).collect();
    let unlisted = line_ranges(
        plan.rows
            .iter()
            .filter(|row| matches!(row.outcome, RowOutcome::Duplicate(_)))
            .map(|row| row.line)
            .filter(|line| !listed.contains(line)),
    );
    templates::CsvReport {
        more_unlisted: unlisted.len() > UNLISTED_RANGES_SHOWN,
        unlisted_duplicates: unlisted.into_iter().take(UNLISTED_RANGES_SHOWN).collect(),
        total: plan.rows.len(),
        to_create: plan.to_create(),
        duplicates: plan.duplicates(),
        already: plan.already_imported(),
        refused: plan.refused(),
        rows,
        token,
    }
}

/// Why a file could not be read, in the page's language.
fn unreadable_text(page: &Page, err: &ReadError) -> String {
    page.lang.t_with(
        "import-unreadable-because",
        &[("problem", Arg::Words(page.lang.problem(&err.problem())))],
    )
}

fn failure_text(page: &Page, failure: &ImportFailure) -> String {
    match failure {
        ImportFailure::Unreadable(err) => unreadable_text(page, err),
        // Each field by its code, as the mapping page labels it; each
        // problem in the page's language.
        ImportFailure::Mapping(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|error| {
                    let field = error.field.strip_prefix("mapping.").unwrap_or(&error.field);
                    format!("{field}: {}", page.lang.problem(&error.problem))
                })
                .collect();
            format!(
                "{}: {}",
                page.t("import-mapping-problem"),
                lines.join(" · ")
            )
        }
        ImportFailure::NotDuplicates { lines } => {
            let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
            format!("{}: {}", page.t("import-not-duplicates"), lines.join(", "))
        }
    }
}

/// The lines ticked "create anyway" on the dry run's page, and those
/// typed in its line field (numbers and ranges, as the command line's
/// `--create-duplicates`): for duplicates the table does not show.
pub(super) fn lines_ticked(form: &FormFields) -> WebResult<BTreeSet<u64>> {
    let mut lines: BTreeSet<u64> = form
        .all("create_anyway")
        .iter()
        .map(|line| {
            line.trim()
                .parse::<u64>()
                .map_err(|_| WebError::invalid("create_anyway", Problem::FormUnreadable))
        })
        .collect::<WebResult<_>>()?;
    let typed = parse_lines(&form.text("create_anyway_lines"))
        .map_err(|problem| WebError::invalid("create_anyway_lines", problem))?;
    lines.extend(typed);
    Ok(lines)
}

/// `POST /import/csv`: the dry run of an uploaded file.
pub async fn csv_dry_run(
    State(state): State<AppState>,
    page: Page,
    member: Importer,
    multipart: Multipart,
) -> WebResult<Response> {
    let upload = read_upload(multipart).await?;
    let (kind, encoding) = kind_and_encoding(&upload)?;
    let Some((file_name, bytes)) = upload.file else {
        return Err(WebError::invalid("file", Problem::ChooseFile));
    };
    let request = ImportRequest {
        kind,
        mapping: None,
        encoding,
        file_name: &file_name,
        dry_run: true,
        max_bytes: MAX_UPLOAD_BYTES,
        create_anyway: BTreeSet::new(),
    };
    let result = import_file(&state.app, &member.actor(), &bytes, &request, &|_, _, _| {}).await?;
    let mut view = form_page(&page, kind);
    let status = match result {
        Err(failure) => {
            view.problem = Some(failure_text(&page, &failure));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(report) => {
            let plan = &report.plan;
            // Duplicates alone are worth a commit: some may be ticked.
            let committable =
                plan.refused() == 0 && (plan.to_create() > 0 || plan.duplicates() > 0);
            let token = committable.then(|| {
                keep_job(Job {
                    user: member.user.id,
                    org: member.org,
                    kind,
                    encoding,
                    file_name: file_name.clone(),
                    bytes: Some(Arc::new(bytes)),
                    progress: Arc::default(),
                    created: Instant::now(),
                })
            });
            view.report = Some(report_view(&page, plan, token));
            if plan.refused() > 0 {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            }
        }
    };
    Ok((status, render(&view)?).into_response())
}

/// `POST /import/csv/jobs/{token}`: commits a dry run's file in the
/// background, with the duplicate rows ticked "create anyway", then shows
/// its progress.
pub async fn csv_commit(
    State(state): State<AppState>,
    member: Importer,
    Path(token): Path<String>,
    form: FormFields,
) -> WebResult<Response> {
    let create_anyway = lines_ticked(&form)?;
    let taken = with_job(&member, &token, |job| {
        job.bytes.take().map(|bytes| {
            (
                bytes,
                job.kind,
                job.encoding,
                job.file_name.clone(),
                job.progress.clone(),
            )
        })
    })?;
    if let Some((bytes, kind, encoding, file_name, progress)) = taken {
        let actor = member.actor();
        tokio::spawn(async move {
            let request = ImportRequest {
                kind,
                mapping: None,
                encoding,
                file_name: &file_name,
                dry_run: false,
                max_bytes: MAX_UPLOAD_BYTES,
                create_anyway,
            };
            let report = |phase: Phase, done: usize, total: usize| {
                progress
                    .storing
                    .store(phase == Phase::Storing, Ordering::Relaxed);
                progress.total.store(total, Ordering::Relaxed);
                progress.done.store(done, Ordering::Relaxed);
            };
            let outcome = match import_file(&state.app, &actor, &bytes, &request, &report).await {
                Ok(Ok(report)) if report.committed => Finished::Created {
                    count: report.created.len(),
                    anyway: report
                        .created
                        .iter()
                        .filter(|row| row.anyway.is_some())
                        .count(),
                    shown: report.created.into_iter().take(ROWS_SHOWN).collect(),
                },
                Ok(Ok(report)) => Finished::NotCommitted {
                    refused: report.plan.refused(),
                },
                Ok(Err(failure)) => Finished::Failed(failure),
                Err(err) => {
                    tracing::error!(error = %err, "CSV import failed");
                    Finished::Internal
                }
            };
            *progress
                .finished
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(outcome);
        });
    }
    Ok(Redirect::to(&format!("/import/csv/jobs/{token}")).into_response())
}

/// `GET /import/csv/jobs/{token}`: the progress of a commit, then what it
/// created.
pub async fn csv_job(
    page: Page,
    member: Importer,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let progress = with_job(&member, &token, |job| job.progress.clone())?;
    let finished = progress
        .finished
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let total = progress.total.load(Ordering::Relaxed).max(1);
    let mut done = progress.done.load(Ordering::Relaxed).min(total);
    let mut view = templates::CsvImportJobPage {
        page: &page,
        running: finished.is_none(),
        storing: progress.storing.load(Ordering::Relaxed),
        done,
        total,
        created: None,
        anyway: 0,
        created_rows: Vec::new(),
        more_created: false,
        failed: None,
    };
    match finished {
        None => {}
        Some(Finished::Created {
            count,
            anyway,
            shown,
        }) => {
            // Stored: the bar is full.
            done = total;
            view.created = Some(count);
            view.anyway = anyway;
            view.more_created = count > shown.len();
            view.created_rows = shown
                .into_iter()
                .map(|row| templates::CsvCreatedView {
                    line: row.line,
                    name: row.name,
                    person: row.person.to_string(),
                    anyway: row.anyway.map(|duplicate| {
                        let (key, detail) = duplicate_view(&duplicate);
                        format!("{} {detail}", page.t(key))
                    }),
                })
                .collect();
        }
        Some(Finished::NotCommitted { refused }) => {
            view.failed = Some(if refused > 0 {
                format!("{refused} {}", page.t("import-refused"))
            } else {
                page.t("import-nothing-to-create")
            });
        }
        Some(Finished::Failed(failure)) => view.failed = Some(failure_text(&page, &failure)),
        Some(Finished::Internal) => view.failed = Some(page.t("error-internal-text")),
    }
    view.done = done;
    Ok(render(&view)?.into_response())
}

fn mapping_page<'a>(
    page: &'a Page,
    kind: ImportKind,
    mapping: &ColumnMapping,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
) -> templates::CsvMappingPage<'a> {
    templates::CsvMappingPage {
        page,
        kind: kind.code(),
        kinds: kind_options(page, kind),
        fields: kind
            .fields()
            .iter()
            .map(|field| {
                (
                    (*field).to_owned(),
                    mapping.columns.get(*field).cloned().unwrap_or_default(),
                    kind.required().contains(field),
                )
            })
            .collect(),
        headers,
        rows,
        saved: false,
        problem: None,
        values: FormValues::default(),
    }
}

#[derive(serde::Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

/// `GET /import/csv/mapping?kind=…`: the organisation's saved mapping.
pub async fn csv_mapping_form(
    State(state): State<AppState>,
    page: Page,
    member: Importer,
    crate::extract::QueryParams(query): crate::extract::QueryParams<KindQuery>,
) -> WebResult<Response> {
    let kind = if query.kind.is_empty() {
        ImportKind::Requests
    } else {
        ImportKind::parse(&query.kind)?
    };
    let mapping = saved_mapping(&state.app, &member.actor(), kind)
        .await?
        .unwrap_or_default();
    Ok(render(&mapping_page(&page, kind, &mapping, Vec::new(), Vec::new()))?.into_response())
}

/// `POST /import/csv/mapping`: with a file, a preview of its first rows
/// (the mapping's fields offered its headers); with `action=save`, the
/// mapping saved.
pub async fn csv_mapping_save(
    State(state): State<AppState>,
    page: Page,
    member: Importer,
    multipart: Multipart,
) -> WebResult<Response> {
    let upload = read_upload(multipart).await?;
    let (kind, encoding) = kind_and_encoding(&upload)?;
    let mut mapping = ColumnMapping::default();
    for field in kind.fields() {
        if let Some(header) = upload.fields.get(&format!("map.{field}"))
            && !header.trim().is_empty()
        {
            mapping
                .columns
                .insert((*field).to_owned(), header.trim().to_owned());
        }
    }
    let (headers, rows, problem) = match &upload.file {
        Some((_, bytes)) => match preview(bytes, encoding, 5) {
            Ok((headers, rows)) => {
                if mapping.columns.is_empty() {
                    mapping = ColumnMapping::by_header_names(kind, &headers);
                }
                (headers, rows, None)
            }
            Err(err) => (Vec::new(), Vec::new(), Some(unreadable_text(&page, &err))),
        },
        None => (Vec::new(), Vec::new(), None),
    };
    let save = upload.fields.get("action").map(String::as_str) == Some("save");
    let mut status = StatusCode::OK;
    let mut saved = false;
    let mut values = FormValues::from_pairs(
        upload
            .fields
            .iter()
            .map(|(name, value)| (name.clone(), value.clone())),
    );
    if save {
        match save_mapping(&state.app, &member.actor(), kind, &mapping).await {
            Ok(()) => saved = true,
            Err(error) => {
                let error = WebError::from(error);
                // `mapping.<field>`: the field's box, labelled by its code.
                let field_of =
                    |path: &str| path.strip_prefix("mapping.").unwrap_or(path).to_owned();
                let Some(errors) = FormErrors::labelled(&page, &error, field_of, |path| {
                    format!("map-{}", field_of(path))
                }) else {
                    return Err(error);
                };
                status = StatusCode::UNPROCESSABLE_ENTITY;
                values.errors = errors;
            }
        }
    }
    let mut view = mapping_page(&page, kind, &mapping, headers, rows);
    view.saved = saved;
    view.problem = problem;
    view.values = values;
    Ok((status, render(&view)?).into_response())
}
