//! Person matching for Restoring Family Links: normalise, transliterate, block, compare, score and explain.
//!
//! The key design decision is that this crate does no I/O at all: no files, network, environment or clock.
//! Name tables and model weights are embedded with `include_str!` (see `data/README.md`), the reference year
//! for ages is a [`Config`] parameter, and callers (the CLI, the web service) own reading and writing.
//!
//! Pipeline: a [`Person`] becomes a [`Profile`] (NFKC, case folding, Arabic/Persian letter normalisation,
//! transliteration of Arabic, Persian, Cyrillic and Ge'ez to Latin, particles and compounds, consonant
//! skeletons, variant groups); [`block_keys`] give candidates; [`compare`] turns a pair into features;
//! the shipped logistic [`Model`] gives a calibrated probability and an [`Explanation`] per field;
//! [`Index::link`] adds transitive clustering. See `docs/adr/0002-matching-model.md`.

pub mod compare;
pub mod index;
pub mod model;
pub mod names;
pub mod normalize;
mod postings;
pub mod profile;
pub mod snapshot;
mod tables;

pub use compare::{
    Comparison, Explanation, FieldExplanation, Rarities, Status, Uniform, Weights, compare,
};
pub use index::{
    BulkLinkage, Candidate, Config, Index, NameHit, Pair, RESEMBLES, RivalContexts, Wanted,
    block_keys, scoring_fingerprint,
};
pub use model::{DEFAULT_THRESHOLD, FEATURES, Model, N_FEATURES, Node, Scorer, Tree};
pub use profile::{Birth, Person, Profile};
pub use snapshot::{SnapshotError, SnapshotReader, SnapshotWriter};
