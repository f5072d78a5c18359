//! The conformance suite: one set of behaviours every backend must show.
//! Each backend's integration tests call [`run_all`] with a factory that
//! makes a fresh, migrated, empty store.
