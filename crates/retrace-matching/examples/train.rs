//! Learn the logistic-model weights offline and print blocking recall.
//!
//! ```text
//! cargo run --release -p retrace-matching --example train -- records.csv truth.csv [weights-out]
//! ```
//! Trains on every candidate pair that blocking generates (true pairs are labelled by `truth.csv`), with L2
//! regularisation, and writes the weights in the format of `data/weights.txt`. Train on a generated set other
//! than the one you evaluate on.

mod common;

use std::collections::HashMap;

use retrace_matching::{Config, FEATURES, Index, Model, N_FEATURES};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rec), Some(tr)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: train records.csv truth.csv [weights-out]");
    };
    let records = common::read_records(rec)?;
    let truth = common::read_truth(tr)?;
    let mut index = Index::new(Config::default());
    for (id, p) in &records {
        index.add(id, p);
    }
    let cand = index.candidate_pairs();
    let mut ent_size: HashMap<&str, usize> = HashMap::new();
    for e in truth.values() {
        *ent_size.entry(e).or_default() += 1;
    }
    let true_pairs: usize = ent_size.values().map(|n| n * (n - 1) / 2).sum();
    let same = |a: u32, b: u32| -> bool {
        match (
            index.id_of(a).and_then(|x| truth.get(x)),
            index.id_of(b).and_then(|x| truth.get(x)),
        ) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    };
    let found = cand.iter().filter(|(a, b)| same(*a, *b)).count();
    eprintln!(
        "records {} candidate pairs {} true pairs {} blocking recall {:.4}",
        records.len(),
        cand.len(),
        true_pairs,
        found as f64 / true_pairs as f64
    );
    if args.get(3).map(String::as_str) == Some("--missed") {
        let got: std::collections::HashSet<(String, String)> = cand
            .iter()
            .filter_map(|(a, b)| Some((index.id_of(*a)?.to_string(), index.id_of(*b)?.to_string())))
            .flat_map(|(a, b)| [(a.clone(), b.clone()), (b, a)])
            .collect();
        let mut by_ent: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, (id, _)) in records.iter().enumerate() {
            if let Some(e) = truth.get(id) {
                by_ent.entry(e).or_default().push(i);
            }
        }
        let mut shown = 0;
        for v in by_ent.values() {
            for (k, i) in v.iter().enumerate() {
                for j in &v[k + 1..] {
                    let (a, b) = (&records[*i], &records[*j]);
                    if !got.contains(&(a.0.clone(), b.0.clone())) && shown < 40 {
                        shown += 1;
                        println!(
                            "{} | {} | {}  <->  {} | {} | {}",
                            a.1.full_name,
                            a.1.father_name,
                            a.1.birth_date,
                            b.1.full_name,
                            b.1.father_name,
                            b.1.birth_date
                        );
                    }
                }
            }
        }
        return Ok(());
    }
    let Some(out) = args.get(3) else {
        return Ok(());
    };
    let profiles: Vec<retrace_matching::Profile> = records
        .iter()
        .map(|(_, p)| retrace_matching::Profile::new(p, 2024))
        .collect();
    let mut xs: Vec<[f64; N_FEATURES]> = Vec::with_capacity(cand.len());
    let mut ys: Vec<f64> = Vec::with_capacity(cand.len());
    for (a, b) in &cand {
        let c = index.compare_profiles(&profiles[*a as usize], &profiles[*b as usize]);
        xs.push(c.x);
        ys.push(if same(*a, *b) { 1.0 } else { 0.0 });
    }
    // Full-batch gradient descent with Adam on the mean log-loss plus L2 (not on the bias).
    let mut w = [0.0f64; N_FEATURES];
    let (mut m, mut v) = ([0.0f64; N_FEATURES], [0.0f64; N_FEATURES]);
    let (lr, b1, b2, l2) = (0.05, 0.9, 0.999, 1e-4);
    let n = xs.len() as f64;
    for step in 1..=1500 {
        let mut g = [0.0f64; N_FEATURES];
        let mut loss = 0.0;
        for (x, y) in xs.iter().zip(ys.iter()) {
            let z: f64 = w.iter().zip(x.iter()).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            loss -= if *y > 0.5 {
                p.max(1e-12).ln()
            } else {
                (1.0 - p).max(1e-12).ln()
            };
            for k in 0..N_FEATURES {
                g[k] += (p - y) * x[k];
            }
        }
        for k in 0..N_FEATURES {
            g[k] = g[k] / n + if k > 0 { l2 * w[k] } else { 0.0 };
            m[k] = b1 * m[k] + (1.0 - b1) * g[k];
            v[k] = b2 * v[k] + (1.0 - b2) * g[k] * g[k];
            let mh = m[k] / (1.0 - b1.powi(step));
            let vh = v[k] / (1.0 - b2.powi(step));
            w[k] -= lr * mh / (vh.sqrt() + 1e-8);
            // Sign constraints keep explanations readable: agreement never counts against a match, and
            // disagreement never for it (collinearity with the bias could otherwise flip a sign).
            let name = FEATURES[k].0;
            if ["differ", "miss", "far", "single"]
                .iter()
                .any(|s| name.contains(s))
            {
                w[k] = w[k].min(0.0);
            } else if k > 0 {
                w[k] = w[k].max(0.0);
            }
        }
        if step % 300 == 0 {
            eprintln!("step {step} loss {:.5}", loss / n);
        }
    }
    let model = Model { weights: w };
    for (f, x) in FEATURES.iter().zip(w.iter()) {
        eprintln!("{:<20} {:+.3}", f.0, x);
    }
    std::fs::write(out, model.to_text())?;
    Ok(())
}
