//! The scoring model: a logistic regression over the comparison features. Weights are learned offline (the
//! `train` example) and shipped as `data/weights.txt`, so the probability is calibrated on candidate pairs.

use crate::tables::WEIGHTS;

/// Feature name and the explanation field it belongs to.
pub const FEATURES: [(&str, &str); 34] = [
    ("bias", "prior"),
    ("name_cov", "name"),
    ("name_hit", "name"),
    ("name_miss", "name"),
    ("name_single", "name"),
    ("given_agree", "given name"),
    ("given_close", "given name"),
    ("given_differ", "given name"),
    ("given_agree_x_cov", "name"),
    ("father_agree", "father"),
    ("father_close", "father"),
    ("father_differ", "father"),
    ("mother_agree", "mother"),
    ("mother_close", "mother"),
    ("mother_differ", "mother"),
    ("date_exact", "birth date"),
    ("date_swap", "birth date"),
    ("date_md_shift", "birth date"),
    ("date_ym", "birth date"),
    ("date_month_differ", "birth date"),
    ("year_eq", "birth date"),
    ("year_1", "birth date"),
    ("year_2_3", "birth date"),
    ("year_far", "birth date"),
    ("sex_agree", "sex"),
    ("sex_differ", "sex"),
    ("nat_agree", "nationality"),
    ("nat_differ", "nationality"),
    ("bplace_agree", "birth place"),
    ("bplace_close", "birth place"),
    ("bplace_differ", "birth place"),
    ("seen_agree", "last seen"),
    ("seen_differ", "last seen"),
    ("family_differ", "name"),
];

pub const N_FEATURES: usize = FEATURES.len();

/// Default decision threshold on the probability (see ADR 0002): chosen on the training set, not on dev.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// Logistic-regression weights, one per feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub weights: [f64; N_FEATURES],
}

impl Model {
    /// Parse `feature weight` lines; unknown features are ignored, missing ones weigh 0.
    pub fn parse(text: &str) -> Model {
        let mut weights = [0.0; N_FEATURES];
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let mut it = line.split_whitespace();
            if let (Some(name), Some(Ok(w))) = (it.next(), it.next().map(str::parse::<f64>))
                && let Some(i) = FEATURES.iter().position(|f| f.0 == name)
            {
                weights[i] = w;
            }
        }
        Model { weights }
    }

    /// The shipped model.
    pub fn shipped() -> Model {
        Model::parse(WEIGHTS)
    }

    pub fn log_odds(&self, x: &[f64; N_FEATURES]) -> f64 {
        self.weights.iter().zip(x.iter()).map(|(w, v)| w * v).sum()
    }

    /// Serialise in the format `parse` reads.
    pub fn to_text(&self) -> String {
        let mut s = String::from(
            "# Logistic-model weights (log-odds per unit of feature), written by\n\
             # `cargo run --release -p retrace-matching --example train`. Licence: CC0-1.0.\n",
        );
        for (f, w) in FEATURES.iter().zip(self.weights.iter()) {
            s.push_str(&format!("{} {:.4}\n", f.0, w));
        }
        s
    }
}
