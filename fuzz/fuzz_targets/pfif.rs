//! PFIF import: a document read by `retrace_pfif::parse` (DTDs refused,
//! every invalid record reported), kept to one domain, and mapped to the
//! persons the import would store (`retrace-app`'s interchange mapping).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut feed = match retrace_pfif::parse(text) {
        Ok(feed) => feed,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    for problem in &feed.problems {
        let _ = problem.to_string();
    }
    // Every refusal of a record names its field: a feed never fails whole.
    let (created, refusals) = match retrace_app::fuzzing::pfif_feed(&feed) {
        Ok(mapped) => mapped,
        Err(error) => panic!("the feed failed as a whole: {error}"),
    };
    assert!(created <= feed.persons.len());
    if refusals.is_empty() {
        assert_eq!(created, feed.persons.len());
    }
    if let Some(domain) = feed.persons.first().map(|p| p.domain().to_owned()) {
        feed.keep_domain(&domain);
    }
});
