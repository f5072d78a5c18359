//! Shared checks of the fuzz targets: an error a parser returns must
//! describe itself (its `Display` and its field errors are what a page or
//! the API shows), whatever the input.

use retrace_app::AppError;

/// Renders an application error the way the pages and the API do.
pub fn describe(error: &AppError) {
    let _ = error.to_string();
    for field_error in error.field_errors() {
        let _ = field_error.problem.to_string();
        assert!(
            !field_error.field.is_empty() || matches!(error, AppError::InvalidMany(_)),
            "an input error names no field: {error:?}"
        );
    }
}

/// Runs a validation step, describing its error.
pub fn check<T>(result: Result<T, AppError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            describe(&error);
            None
        }
    }
}

/// Fixed day the targets take as today (as the use cases' tests do).
pub const TODAY: (i32, u8, u8) = (2026, 6, 15);

/// Plans an import of `table` as the dry run does, without a store or a
/// matching index; the plan's counts must add up.
pub fn plan_table(
    kind: retrace_app::csv_import::ImportKind,
    mapping: &retrace_app::csv_import::ColumnMapping,
    table: &retrace_app::csv_import::Table,
    file_name: &str,
    create_anyway: &std::collections::BTreeSet<u64>,
) {
    let imported = std::collections::HashMap::new();
    let context = retrace_app::csv_import::PlanContext {
        org: retrace_domain::OrgId::random(),
        now: retrace_domain::Timestamp::from_millis(1_781_524_800_000),
        file_name,
        imported: &imported,
        matching: None,
        create_anyway,
    };
    match retrace_app::csv_import::plan(kind, mapping, table, &context, &|_, _, _| {}) {
        Ok(planned) => {
            assert_eq!(planned.rows.len(), table.rows.len());
            assert!(
                planned.to_create() + planned.refused() + planned.duplicates()
                    <= planned.rows.len()
            );
        }
        Err(error) => describe(&error),
    }
}
