//! `PartialDate::parse` (every date field of the forms, the API and the
//! imports): whatever it accepts is written back in a form it reads again
//! as the same date, and the day exists.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retrace_domain::{AgeEstimate, PartialDate};

fuzz_target!(|text: &str| {
    let Ok(date) = PartialDate::parse(text) else {
        return;
    };
    let shown = date.to_string();
    assert_eq!(
        PartialDate::parse(&shown).ok(),
        Some(date),
        "{text:?} → {shown:?}"
    );
    assert!((1880..=2100).contains(&date.year()));
    if let Some(month) = date.month() {
        assert!((1..=12).contains(&month));
    }
    if let Some(day) = date.day() {
        assert!(date.month().is_some() && (1..=31).contains(&day));
        let iso = date.iso();
        assert!(
            time::Date::parse(
                &iso,
                time::macros::format_description!("[year]-[month]-[day]")
            )
            .is_ok(),
            "{iso} is not a day"
        );
    }
    let _ = date.is_after(retrace_fuzz::TODAY);
    if let Ok(age) = AgeEstimate::new(u32::from(text.len() as u8), date) {
        let _ = age.implied_birth_year();
    }
    // As JSON, the way the API reads and writes it.
    let json = serde_json::to_string(&date).unwrap_or_default();
    assert_eq!(serde_json::from_str::<PartialDate>(&json).ok(), Some(date));
});
