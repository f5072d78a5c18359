//! Demo pledge indicators (issue 14, item 5): the hand-entered figures of
//! this year and last for every demo organisation, varied by organisation
//! and written in one bulk transaction. The computed figures come from the
//! rest of the demo data.

use anyhow::Result;
use retrace_domain::directory::UtcOffset;
use retrace_domain::indicator::year_at;
use retrace_domain::{EnteredFigure, Figure, Text, Timestamp};
use retrace_store::{AuditContext, Store};

/// A small deterministic spread of values per organisation and figure.
fn value(org_index: usize, figure_index: usize, year_index: usize) -> u32 {
    let base = [40, 6, 120, 3, 2, 14, 9, 2, 4, 5];
    let seed = (org_index * 7 + figure_index * 13 + year_index * 5) % 11;
    let b = base.get(figure_index).copied().unwrap_or(5);
    // Last year a little lower than this year, as a growing programme.
    let scale = if year_index == 0 { 8 } else { 10 };
    u32::try_from((b * (6 + seed) * scale) / 80).unwrap_or(0)
}

/// Loads the entered figures of every organisation; returns how many.
pub async fn load(store: &dyn Store, now: Timestamp) -> Result<usize> {
    let this_year = year_at(now, UtcOffset::default());
    let organisations = store.organisations().await?;
    let note = Text::parse(
        "note",
        "Demo figure: training of trainers and two regional workshops",
        300,
        false,
    )?;
    let mut entries = Vec::new();
    for (org_index, org) in organisations.iter().enumerate() {
        for (year_index, year) in [this_year - 1, this_year].into_iter().enumerate() {
            for (figure_index, figure) in Figure::entered().into_iter().enumerate() {
                let with_note = figure == Figure::TrainedStaff && year_index == 1;
                let entry = EnteredFigure::new(
                    year,
                    figure,
                    value(org_index, figure_index, year_index),
                    with_note.then(|| note.clone()),
                )
                .map_err(|problem| anyhow::anyhow!("demo indicator: {problem}"))?;
                entries.push((org.id, entry));
            }
        }
    }
    store
        .seed_indicators(&AuditContext::system(now, "demo data"), &entries)
        .await?;
    Ok(entries.len())
}
