//! The scoring model: a logistic regression over the comparison features plus a small ensemble of boosted
//! regression trees fitted on its residuals (interactions the linear model cannot express). Both are learned
//! offline (the `train` example) and shipped as `data/weights.txt`, so the probability is calibrated on
//! candidate pairs. Each tree's output is split exactly between the features on its decision path (the change
//! of the node value at each split), so explanations stay per field and still sum to the log-odds.

use crate::tables::WEIGHTS;

/// Feature name and the explanation field it belongs to.
pub const FEATURES: [(&str, &str); 35] = [
    ("bias", "prior"),
    ("name_cov", "name"),
    ("name_hit", "name"),
    ("name_miss", "name"),
    ("name_near", "name"),
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

/// One node of a regression tree: a split `x[feature] <= threshold` (go left) or, with `feature == LEAF`, a leaf.
/// `value` is the node's own output (the leaf output for leaves, the fitted value before the split otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    pub feature: u16,
    pub threshold: f64,
    pub left: u32,
    pub right: u32,
    pub value: f64,
}

/// Marks a leaf in [`Node::feature`].
pub const LEAF: u16 = u16::MAX;

/// A regression tree in log-odds; node 0 is the root.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Largest output of the tree (its largest leaf, or the node value where a path ends early).
    pub fn max_output(&self) -> f64 {
        self.nodes
            .iter()
            .filter(|n| {
                n.feature == LEAF
                    || self.nodes.get(n.left as usize).is_none()
                    || self.nodes.get(n.right as usize).is_none()
            })
            .map(|n| n.value)
            .reduce(f64::max)
            .unwrap_or(0.0)
    }

    /// Output for a feature vector; with `contrib`, the change of node value at each split is credited to the
    /// split's feature and the root value to the bias (index 0), so contributions sum to the output.
    pub fn eval(&self, x: &[f64; N_FEATURES], mut contrib: Option<&mut [f64; N_FEATURES]>) -> f64 {
        let Some(mut n) = self.nodes.first() else {
            return 0.0;
        };
        if let Some(c) = contrib.as_deref_mut() {
            c[0] += n.value;
        }
        while n.feature != LEAF {
            let f = usize::from(n.feature).min(N_FEATURES - 1);
            let next = if x[f] <= n.threshold { n.left } else { n.right };
            let Some(m) = self.nodes.get(next as usize) else {
                break;
            };
            if let Some(c) = contrib.as_deref_mut() {
                c[f] += m.value - n.value;
            }
            n = m;
        }
        n.value
    }
}

/// A model laid out for scoring many pairs: the trees' nodes in one array and, per tree, the largest total the
/// trees from it onwards can still add (for stopping early on pairs that cannot reach a cut-off). When every
/// tree is at most [`FLAT_DEPTH`] deep (the shipped model's are), each tree is also laid out as a complete
/// binary tree in fixed arrays ([`FlatTree`]), walked without following links: same leaves, same sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorer {
    weights: [f64; N_FEATURES],
    nodes: Vec<Node>,
    roots: Vec<u32>,
    rest_max: Vec<f64>,
    flat: Option<Vec<FlatTree>>,
}

/// Depth of the complete trees of [`FlatTree`].
const FLAT_DEPTH: usize = 3;
const FLAT_INNER: usize = (1 << FLAT_DEPTH) - 1;
const FLAT_LEAVES: usize = 1 << FLAT_DEPTH;

/// A tree of at most [`FLAT_DEPTH`] levels as a complete binary tree: inner node `i` has children `2i + 1`
/// (`x[feature] <= threshold`) and `2i + 2`; the nodes after the inner ones are the leaves. Where the tree
/// stops early (a leaf above the last level, or a missing child), every position below carries the value
/// the walk would return there, behind splits that change nothing.
#[derive(Debug, Clone, PartialEq)]
struct FlatTree {
    feature: [u8; FLAT_LEAVES],
    threshold: [f64; FLAT_LEAVES],
    leaf: [f64; FLAT_LEAVES],
}

impl FlatTree {
    /// The layout of `tree`, or `None` when it is deeper than [`FLAT_DEPTH`].
    fn new(tree: &Tree) -> Option<FlatTree> {
        let mut flat = FlatTree {
            feature: [0; FLAT_LEAVES],
            threshold: [0.0; FLAT_LEAVES],
            leaf: [0.0; FLAT_LEAVES],
        };
        flat.fill(tree, tree.nodes.first()?, 0)?;
        Some(flat)
    }

    /// Lays out the walk from `node` at complete-tree position `pos`.
    fn fill(&mut self, tree: &Tree, node: &Node, pos: usize) -> Option<()> {
        if pos >= FLAT_INNER {
            // A node on the leaf level must end the walk: a leaf, or a split whose taken child is missing.
            if node.feature != LEAF
                && (tree.nodes.get(node.left as usize).is_some()
                    || tree.nodes.get(node.right as usize).is_some())
            {
                return None;
            }
            *self.leaf.get_mut(pos - FLAT_INNER)? = node.value;
            return Some(());
        }
        if node.feature == LEAF {
            self.constant(node.value, pos);
            return Some(());
        }
        *self.feature.get_mut(pos)? = usize::from(node.feature).min(N_FEATURES - 1) as u8;
        *self.threshold.get_mut(pos)? = node.threshold;
        for (child, at) in [(node.left, 2 * pos + 1), (node.right, 2 * pos + 2)] {
            match tree.nodes.get(child as usize) {
                Some(c) => self.fill(tree, c, at)?,
                // The walk stops at `node` when this child is missing.
                None => self.constant(node.value, at),
            }
        }
        Some(())
    }

    /// Every walk through `pos` ends with `value`.
    fn constant(&mut self, value: f64, pos: usize) {
        if pos >= FLAT_INNER {
            if let Some(l) = self.leaf.get_mut(pos - FLAT_INNER) {
                *l = value;
            }
            return;
        }
        self.constant(value, 2 * pos + 1);
        self.constant(value, 2 * pos + 2);
    }

    #[inline]
    fn eval(&self, x: &[f64; N_FEATURES]) -> f64 {
        let mut i = 0usize;
        for _ in 0..FLAT_DEPTH {
            let k = i & (FLAT_LEAVES - 1);
            let v = x[usize::from(self.feature[k]).min(N_FEATURES - 1)];
            // The same test as `Tree::eval` (a NaN goes right).
            i = if v <= self.threshold[k] {
                2 * i + 1
            } else {
                2 * i + 2
            };
        }
        self.leaf[(i - FLAT_INNER) & (FLAT_LEAVES - 1)]
    }
}

/// Rounding allowance when comparing a bound with a cut-off (the bound is a different sum of the same terms).
const BOUND_SLACK: f64 = 1e-9;

impl Scorer {
    pub fn new(model: &Model) -> Scorer {
        let mut nodes = Vec::new();
        let mut roots = Vec::new();
        let mut maxes = Vec::new();
        let mut flat = Some(Vec::new());
        for t in model.trees.iter().filter(|t| !t.nodes.is_empty()) {
            let base = nodes.len() as u32;
            roots.push(base);
            // A child outside its own tree becomes "no child" (as in `Tree::eval`), never a node of another tree.
            let len = t.nodes.len() as u32;
            let map = |c: u32| if c < len { c + base } else { u32::MAX };
            nodes.extend(t.nodes.iter().map(|n| Node {
                left: map(n.left),
                right: map(n.right),
                ..*n
            }));
            maxes.push(t.max_output());
            flat = flat.and_then(|mut f| {
                f.push(FlatTree::new(t)?);
                Some(f)
            });
        }
        let mut rest_max = vec![0.0; maxes.len() + 1];
        for i in (0..maxes.len()).rev() {
            rest_max[i] = rest_max[i + 1] + maxes[i];
        }
        Scorer {
            weights: model.weights,
            nodes,
            roots,
            rest_max,
            flat,
        }
    }

    /// The linear (logistic) part of the log-odds.
    pub fn linear(&self, x: &[f64; N_FEATURES]) -> f64 {
        self.weights.iter().zip(x.iter()).map(|(w, v)| w * v).sum()
    }

    /// Upper bound of the log-odds given the linear part.
    pub fn upper_bound(&self, linear: f64) -> f64 {
        linear + self.rest_max[0]
    }

    /// Log-odds, equal to [`Model::log_odds`]; `None` as soon as the trees left cannot lift it to `cutoff`
    /// (the full log-odds is then certainly below `cutoff`).
    pub fn log_odds_from(&self, x: &[f64; N_FEATURES], linear: f64, cutoff: f64) -> Option<f64> {
        let mut acc = 0.0;
        if let Some(flat) = &self.flat {
            for (t, rest) in flat.iter().zip(&self.rest_max) {
                if linear + acc + rest < cutoff - BOUND_SLACK {
                    return None;
                }
                acc += t.eval(x);
            }
        } else {
            for (t, &root) in self.roots.iter().enumerate() {
                if linear + acc + self.rest_max[t] < cutoff - BOUND_SLACK {
                    return None;
                }
                acc += self.eval(root, x);
            }
        }
        let z = linear + acc;
        (z >= cutoff - BOUND_SLACK).then_some(z)
    }

    /// Log-odds, equal to [`Model::log_odds`].
    pub fn log_odds(&self, x: &[f64; N_FEATURES]) -> f64 {
        let acc: f64 = match &self.flat {
            Some(flat) => flat.iter().map(|t| t.eval(x)).sum(),
            None => self.roots.iter().map(|&r| self.eval(r, x)).sum(),
        };
        self.linear(x) + acc
    }

    /// Same walk as [`Tree::eval`] without contributions.
    fn eval(&self, root: u32, x: &[f64; N_FEATURES]) -> f64 {
        let Some(mut n) = self.nodes.get(root as usize) else {
            return 0.0;
        };
        while n.feature != LEAF {
            let f = usize::from(n.feature).min(N_FEATURES - 1);
            let next = if x[f] <= n.threshold { n.left } else { n.right };
            let Some(m) = self.nodes.get(next as usize) else {
                break;
            };
            n = m;
        }
        n.value
    }
}

/// Logistic-regression weights, one per feature, plus boosted trees added to its log-odds.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub weights: [f64; N_FEATURES],
    pub trees: Vec<Tree>,
}

impl Model {
    /// Parse `feature weight` lines, then `tree` lines each followed by `node feature threshold left right
    /// value` lines (`feature` `-` for a leaf); unknown features are ignored, missing ones weigh 0.
    pub fn parse(text: &str) -> Model {
        let mut weights = [0.0; N_FEATURES];
        let mut trees: Vec<Tree> = Vec::new();
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let mut it = line.split_whitespace();
            match it.next() {
                Some("tree") => trees.push(Tree::default()),
                Some("node") => {
                    let f: Vec<&str> = it.collect();
                    let (Some(tree), [feat, thr, l, r, v]) = (trees.last_mut(), f.as_slice())
                    else {
                        continue;
                    };
                    let feature = if *feat == "-" {
                        Some(LEAF)
                    } else {
                        FEATURES.iter().position(|x| x.0 == *feat).map(|i| i as u16)
                    };
                    if let (Some(feature), Ok(threshold), Ok(left), Ok(right), Ok(value)) =
                        (feature, thr.parse(), l.parse(), r.parse(), v.parse())
                    {
                        tree.nodes.push(Node {
                            feature,
                            threshold,
                            left,
                            right,
                            value,
                        });
                    }
                }
                Some(name) => {
                    if let Some(Ok(w)) = it.next().map(str::parse::<f64>)
                        && let Some(i) = FEATURES.iter().position(|f| f.0 == name)
                    {
                        weights[i] = w;
                    }
                }
                None => {}
            }
        }
        Model { weights, trees }
    }

    /// The shipped model.
    pub fn shipped() -> Model {
        Model::parse(WEIGHTS)
    }

    pub fn log_odds(&self, x: &[f64; N_FEATURES]) -> f64 {
        let linear: f64 = self.weights.iter().zip(x.iter()).map(|(w, v)| w * v).sum();
        linear + self.trees.iter().map(|t| t.eval(x, None)).sum::<f64>()
    }

    /// Log-odds contribution of each feature (index 0 is the prior); they sum to [`Model::log_odds`].
    pub fn contributions(&self, x: &[f64; N_FEATURES]) -> [f64; N_FEATURES] {
        let mut c = [0.0; N_FEATURES];
        for (i, (w, v)) in self.weights.iter().zip(x.iter()).enumerate() {
            c[i] = w * v;
        }
        for t in &self.trees {
            t.eval(x, Some(&mut c));
        }
        c
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
        for t in &self.trees {
            s.push_str("tree\n");
            for n in &t.nodes {
                let f = if n.feature == LEAF {
                    "-"
                } else {
                    FEATURES.get(usize::from(n.feature)).map_or("-", |f| f.0)
                };
                s.push_str(&format!(
                    "node {} {} {} {} {:.5}\n",
                    f, n.threshold, n.left, n.right, n.value
                ));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_round_trips_and_contributions_sum_to_log_odds() {
        let m = Model::shipped();
        assert_eq!(Model::parse(&m.to_text()).trees.len(), m.trees.len());
        let mut x = [0.0; N_FEATURES];
        for (i, v) in x.iter_mut().enumerate() {
            *v = ((i * 7) % 5) as f64 / 4.0;
        }
        x[0] = 1.0;
        let total: f64 = m.contributions(&x).iter().sum();
        assert!((total - m.log_odds(&x)).abs() < 1e-9);
    }

    /// The flat layout gives the walk's value for trees that stop early (a leaf above the last level, a missing
    /// child) and is not used for a tree deeper than it holds.
    #[test]
    fn flat_trees_equal_the_walk() {
        let node = |feature: u16, threshold: f64, left: u32, right: u32, value: f64| Node {
            feature,
            threshold,
            left,
            right,
            value,
        };
        let short = Tree {
            nodes: vec![
                node(2, 0.5, 1, 2, 0.1),
                node(LEAF, 0.0, 0, 0, -0.7),
                node(5, 0.5, 3, 9, 0.3),
                node(LEAF, 0.0, 0, 0, 0.9),
            ],
        };
        let deep = Tree {
            nodes: vec![
                node(1, 0.5, 1, 2, 0.0),
                node(2, 0.5, 3, 2, 0.1),
                node(LEAF, 0.0, 0, 0, 0.2),
                node(3, 0.5, 4, 2, 0.3),
                node(4, 0.5, 2, 2, 0.4),
            ],
        };
        assert!(FlatTree::new(&short).is_some());
        assert!(FlatTree::new(&deep).is_none());
        for trees in [vec![short.clone()], vec![short, deep]] {
            let m = Model {
                weights: [0.0; N_FEATURES],
                trees,
            };
            let sc = Scorer::new(&m);
            for bits in 0..64u32 {
                let mut x = [0.0; N_FEATURES];
                for (f, v) in x.iter_mut().enumerate().take(6) {
                    *v = f64::from((bits >> f) & 1);
                }
                assert_eq!(sc.log_odds(&x).to_bits(), m.log_odds(&x).to_bits());
            }
        }
    }

    #[test]
    fn scorer_equals_model_and_stops_only_below_the_cut_off() {
        let m = Model::shipped();
        let sc = Scorer::new(&m);
        for seed in 0..200usize {
            let mut x = [0.0; N_FEATURES];
            for (i, v) in x.iter_mut().enumerate() {
                *v = ((i * 7 + seed * 13) % 5) as f64 / 4.0;
            }
            x[0] = 1.0;
            let z = m.log_odds(&x);
            assert_eq!(sc.log_odds(&x).to_bits(), z.to_bits());
            let lin = sc.linear(&x);
            assert!(sc.upper_bound(lin) >= z - 1e-9);
            for cut in [-20.0, -4.6, 0.0, 3.0, 20.0] {
                match sc.log_odds_from(&x, lin, cut) {
                    Some(v) => assert!((v - z).abs() < 1e-12 && z >= cut - 1e-9),
                    None => assert!(z < cut),
                }
            }
        }
    }
}
