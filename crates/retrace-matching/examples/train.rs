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

use rayon::prelude::*;
use retrace_matching::{Config, FEATURES, Index, Model, N_FEATURES, Node, Tree, model::LEAF};
use rustc_hash::FxHashMap;

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
    // The first set plus any further `records truth` pairs given after the output path.
    let mut xs: Vec<[f64; N_FEATURES]> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    let mut sets = vec![(rec.clone(), tr.clone())];
    for p in args[4..].chunks(2) {
        if let [r, t] = p {
            sets.push((r.clone(), t.clone()));
        }
    }
    for (r, t) in &sets {
        let (x, y) = pairs_of(r, t)?;
        eprintln!(
            "{r}: {} candidate pairs, {} true",
            x.len(),
            y.iter().sum::<f64>()
        );
        xs.extend(x);
        ys.extend(y);
    }
    let w = fit_logistic(&xs, &ys);
    for (f, x) in FEATURES.iter().zip(w.iter()) {
        eprintln!("{:<20} {:+.3}", f.0, x);
    }
    let trees = boost(&xs, &ys, &w);
    let model = Model { weights: w, trees };
    std::fs::write(out, model.to_text())?;
    Ok(())
}

/// Feature vectors and labels of every candidate pair of a set.
fn pairs_of(rec: &str, tr: &str) -> anyhow::Result<(Vec<[f64; N_FEATURES]>, Vec<f64>)> {
    let records = common::read_records(rec)?;
    let truth = common::read_truth(tr)?;
    let mut index = Index::new(Config::default());
    for (id, p) in &records {
        index.add(id, p);
    }
    let profiles: Vec<retrace_matching::Profile> = records
        .iter()
        .map(|(_, p)| retrace_matching::Profile::new(p, 2024))
        .collect();
    let ent = |a: u32| index.id_of(a).and_then(|x| truth.get(x));
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (a, b) in index.candidate_pairs() {
        let c = index.compare_profiles(&profiles[a as usize], &profiles[b as usize]);
        xs.push(c.x);
        ys.push(match (ent(a), ent(b)) {
            (Some(x), Some(y)) if x == y => 1.0,
            _ => 0.0,
        });
    }
    Ok((xs, ys))
}

/// Full-batch gradient descent with Adam on the mean log-loss plus L2 (not on the bias).
fn fit_logistic(xs: &[[f64; N_FEATURES]], ys: &[f64]) -> [f64; N_FEATURES] {
    let mut w = [0.0f64; N_FEATURES];
    let (mut m, mut v) = ([0.0f64; N_FEATURES], [0.0f64; N_FEATURES]);
    let (lr, b1, b2, l2) = (0.05, 0.9, 0.999, 1e-4);
    let n = xs.len() as f64;
    for step in 1..=1000 {
        let (g, loss) = xs
            .par_chunks(65536)
            .zip(ys.par_chunks(65536))
            .map(|(xc, yc)| {
                let mut g = [0.0f64; N_FEATURES];
                let mut loss = 0.0;
                for (x, y) in xc.iter().zip(yc.iter()) {
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
                (g, loss)
            })
            .reduce(
                || ([0.0; N_FEATURES], 0.0),
                |(mut a, la), (b, lb)| {
                    for k in 0..N_FEATURES {
                        a[k] += b[k];
                    }
                    (a, la + lb)
                },
            );
        let mut g = g;
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
        if step % 250 == 0 {
            eprintln!("logistic step {step} loss {:.5}", loss / n);
        }
    }
    w
}

const TREES: usize = 120;
const DEPTH: usize = 3;
const SHRINK: f64 = 0.1;
const LAMBDA: f64 = 20.0;
const MIN_HESS: f64 = 20.0;
const BINS: usize = 48;

/// Gradient-boosted regression trees (second-order, histogram splits) on the residual of the logistic model.
fn boost(xs: &[[f64; N_FEATURES]], ys: &[f64], w: &[f64; N_FEATURES]) -> Vec<Tree> {
    let n = xs.len();
    // Candidate thresholds per feature: midpoints between distinct values, thinned to at most BINS quantiles.
    let mut cuts: Vec<Vec<f64>> = Vec::with_capacity(N_FEATURES);
    for f in 0..N_FEATURES {
        let mut v: Vec<f64> = xs.iter().step_by(7).map(|x| x[f]).collect();
        v.sort_by(f64::total_cmp);
        let mut q: Vec<f64> = (1..BINS)
            .map(|i| v[(i * v.len() / BINS).min(v.len() - 1)])
            .collect();
        q.dedup();
        let mut distinct = v.clone();
        distinct.dedup();
        let c: Vec<f64> = if distinct.len() <= BINS {
            distinct.windows(2).map(|p| (p[0] + p[1]) / 2.0).collect()
        } else {
            q.windows(2).map(|p| (p[0] + p[1]) / 2.0).collect()
        };
        cuts.push(if f == 0 { Vec::new() } else { c });
    }
    let bin: Vec<[u8; N_FEATURES]> = xs
        .par_iter()
        .map(|x| {
            let mut b = [0u8; N_FEATURES];
            for f in 0..N_FEATURES {
                b[f] = cuts[f].partition_point(|c| *c < x[f]) as u8;
            }
            b
        })
        .collect();
    let mut margin: Vec<f64> = xs
        .iter()
        .map(|x| w.iter().zip(x.iter()).map(|(a, b)| a * b).sum())
        .collect();
    let mut trees = Vec::with_capacity(TREES);
    for t in 0..TREES {
        let gh: Vec<(f64, f64)> = margin
            .iter()
            .zip(ys.iter())
            .map(|(m, y)| {
                let p = 1.0 / (1.0 + (-m).exp());
                (p - y, (p * (1.0 - p)).max(1e-6))
            })
            .collect();
        let mut tree = Tree::default();
        let mut leaf_of: Vec<u32> = vec![0; n];
        let (g0, h0) = gh.iter().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        tree.nodes.push(Node {
            feature: LEAF,
            threshold: 0.0,
            left: 0,
            right: 0,
            value: -g0 / (h0 + LAMBDA) * SHRINK,
        });
        let mut frontier: Vec<(u32, f64, f64)> = vec![(0, g0, h0)];
        for _ in 0..DEPTH {
            // histograms of every frontier node at once
            let idx: FxHashMap<u32, usize> =
                frontier.iter().enumerate().map(|(i, f)| (f.0, i)).collect();
            let hist = (0..n)
                .into_par_iter()
                .fold(
                    || vec![[[0.0f64; 2]; 256 * N_FEATURES]; frontier.len()],
                    |mut h, i| {
                        if let Some(k) = idx.get(&leaf_of[i]) {
                            let (g, hh) = gh[i];
                            for f in 1..N_FEATURES {
                                let c = &mut h[*k][f * 256 + bin[i][f] as usize];
                                c[0] += g;
                                c[1] += hh;
                            }
                        }
                        h
                    },
                )
                .reduce(
                    || vec![[[0.0f64; 2]; 256 * N_FEATURES]; frontier.len()],
                    |mut a, b| {
                        for (x, y) in a.iter_mut().zip(b.iter()) {
                            for (p, q) in x.iter_mut().zip(y.iter()) {
                                p[0] += q[0];
                                p[1] += q[1];
                            }
                        }
                        a
                    },
                );
            let mut next = Vec::new();
            let mut splits: FxHashMap<u32, (usize, u8, u32, u32)> = FxHashMap::default();
            for (k, (node, g, h)) in frontier.iter().enumerate() {
                let score = |g: f64, h: f64| g * g / (h + LAMBDA);
                let mut best = (1e-3, 0usize, 0u8, 0.0, 0.0);
                for f in 1..N_FEATURES {
                    if FEATURES[f].0 == "crowd" {
                        continue;
                    }
                    let (mut gl, mut hl) = (0.0, 0.0);
                    for b in 0..cuts[f].len() {
                        gl += hist[k][f * 256 + b][0];
                        hl += hist[k][f * 256 + b][1];
                        let (gr, hr) = (g - gl, h - hl);
                        if hl < MIN_HESS || hr < MIN_HESS {
                            continue;
                        }
                        let gain = score(gl, hl) + score(gr, hr) - score(*g, *h);
                        if gain > best.0 {
                            best = (gain, f, b as u8, gl, hl);
                        }
                    }
                }
                if best.1 == 0 {
                    continue;
                }
                let (_, f, b, gl, hl) = best;
                let l = tree.nodes.len() as u32;
                for (gg, hh) in [(gl, hl), (g - gl, h - hl)] {
                    tree.nodes.push(Node {
                        feature: LEAF,
                        threshold: 0.0,
                        left: 0,
                        right: 0,
                        value: -gg / (hh + LAMBDA) * SHRINK,
                    });
                    next.push((tree.nodes.len() as u32 - 1, gg, hh));
                }
                let nd = &mut tree.nodes[*node as usize];
                nd.feature = f as u16;
                nd.threshold = cuts[f][b as usize];
                nd.left = l;
                nd.right = l + 1;
                splits.insert(*node, (f, b, l, l + 1));
            }
            if splits.is_empty() {
                break;
            }
            leaf_of.par_iter_mut().enumerate().for_each(|(i, lf)| {
                if let Some((f, b, l, r)) = splits.get(lf) {
                    *lf = if bin[i][*f] <= *b { *l } else { *r };
                }
            });
            frontier = next;
        }
        margin
            .par_iter_mut()
            .zip(xs.par_iter())
            .for_each(|(m, x)| *m += tree.eval(x, None));
        if t % 20 == 19 {
            let loss: f64 = margin
                .iter()
                .zip(ys.iter())
                .map(|(m, y)| {
                    let p = (1.0 / (1.0 + (-m).exp())).clamp(1e-12, 1.0 - 1e-12);
                    -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
                })
                .sum::<f64>()
                / n as f64;
            eprintln!("tree {} loss {:.5}", t + 1, loss);
        }
        trees.push(tree);
    }
    trees
}
