//! A model built here (a stump, a tree of four leaves out of order, a single leaf, a complete tree of
//! 64 leaves and a chain of 70: both ways a tree is scored), its text read by `Forest::parse` and
//! evaluated on rows of any float64 values (NaN, infinities, zeros, subnormals), checked against
//! LightGBM's `NumericalDecision` walked here, row by row, bit for bit.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[allow(dead_code)]
#[path = "../../src/trees.rs"]
mod trees;

const FEATURES: usize = 3;

/// One tree in LightGBM's own terms: a child `< 0` is leaf `!child`.
struct Tree {
    feature: Vec<usize>,
    threshold: Vec<f64>,
    decision: Vec<i64>,
    left: Vec<i32>,
    right: Vec<i32>,
    leaf: Vec<f64>,
}

/// Thresholds at the edges: zero, LightGBM's zero threshold, subnormals, the largest values.
const THRESHOLDS: [f64; 10] = [
    0.0, 1e-35, -1e-35, 5e-324, -5e-324, 0.5, -2.0, 1e300, -1e300, 3.0,
];
/// Every missing-value type (none, zero, NaN), default left and right.
const DECISIONS: [i64; 6] = [0, 2, 4, 6, 8, 10];

fn leaf_values(n: usize, scale: f64) -> Vec<f64> {
    (0..n).map(|i| scale * (i as f64 + 1.0)).collect()
}

fn trees() -> Vec<Tree> {
    let mut trees = vec![
        Tree {
            feature: vec![0],
            threshold: vec![0.5],
            decision: vec![2],
            left: vec![-1],
            right: vec![-2],
            leaf: vec![-1.0, 2.0],
        },
        Tree {
            feature: vec![0, 1, 1],
            threshold: vec![0.5, 1.0, -1.0],
            decision: vec![2, 10, 4],
            left: vec![1, -3, -4],
            right: vec![2, -1, -2],
            leaf: vec![10.0, 20.0, 30.0, 40.0],
        },
        Tree {
            feature: vec![],
            threshold: vec![],
            decision: vec![],
            left: vec![],
            right: vec![],
            leaf: vec![0.25],
        },
    ];
    // complete: split i's children are 2i+1 and 2i+2, leaves from 63 on
    let child = |c: usize| if c < 63 { c as i32 } else { !((c - 63) as i32) };
    trees.push(Tree {
        feature: (0..63).map(|i| i % FEATURES).collect(),
        threshold: (0..63).map(|i| THRESHOLDS[i % THRESHOLDS.len()]).collect(),
        decision: (0..63).map(|i| DECISIONS[i % DECISIONS.len()]).collect(),
        left: (0..63).map(|i| child(2 * i + 1)).collect(),
        right: (0..63).map(|i| child(2 * i + 2)).collect(),
        leaf: leaf_values(64, 1.0 / 1024.0),
    });
    // a chain: split i sends one way to leaf i, the other to split i+1; the last split to two leaves
    let n = 69;
    let next = |i: usize| {
        if i + 1 < n {
            (i + 1) as i32
        } else {
            !(n as i32)
        }
    };
    trees.push(Tree {
        feature: (0..n).map(|i| (i + 1) % FEATURES).collect(),
        threshold: (0..n)
            .map(|i| THRESHOLDS[(i * 3) % THRESHOLDS.len()])
            .collect(),
        decision: (0..n)
            .map(|i| DECISIONS[(i * 5) % DECISIONS.len()])
            .collect(),
        left: (0..n)
            .map(|i| if i % 2 == 0 { !(i as i32) } else { next(i) })
            .collect(),
        right: (0..n)
            .map(|i| if i % 2 == 0 { next(i) } else { !(i as i32) })
            .collect(),
        leaf: leaf_values(n + 1, 1024.0),
    });
    trees
}

fn join<T: ToString>(values: &[T]) -> String {
    values
        .iter()
        .map(T::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The model's text, as LightGBM writes it (the fields `Forest::parse` reads); `classes` trees an
/// iteration, the trees taken in turn.
fn model_text(trees: &[Tree], classes: usize, n_trees: usize) -> String {
    let objective = if classes == 1 {
        "binary sigmoid:1".to_string()
    } else {
        format!("multiclass num_class:{classes}")
    };
    let mut text = format!(
        "tree\nversion=v4\nnum_class={classes}\nnum_tree_per_iteration={classes}\nlabel_index=0\n\
         max_feature_idx={}\nobjective={objective}\n",
        FEATURES - 1
    );
    for t in 0..n_trees {
        let tree = &trees[t % trees.len()];
        text += &format!(
            "\nTree={t}\nnum_leaves={}\nnum_cat=0\nsplit_feature={}\nthreshold={}\ndecision_type={}\n\
             left_child={}\nright_child={}\nleaf_value={}\nshrinkage=1\n",
            tree.leaf.len(),
            join(&tree.feature),
            join(&tree.threshold),
            join(&tree.decision),
            join(&tree.left),
            join(&tree.right),
            join(&tree.leaf),
        );
    }
    text + "\nend of trees\n"
}

/// LightGBM's `Tree::NumericalDecision`, walked from the root.
fn reference_leaf(tree: &Tree, row: &[f64]) -> f64 {
    if tree.feature.is_empty() {
        return tree.leaf[0];
    }
    let mut node: i32 = 0;
    while node >= 0 {
        let i = node as usize;
        let mut value = row[tree.feature[i]];
        let missing = (tree.decision[i] >> 2) & 3;
        if value.is_nan() && missing != 2 {
            value = 0.0;
        }
        let default_left = tree.decision[i] & 2 != 0;
        let is_zero = (-1e-35..=1e-35).contains(&value);
        node = if (missing == 1 && is_zero) || (missing == 2 && value.is_nan()) {
            if default_left {
                tree.left[i]
            } else {
                tree.right[i]
            }
        } else if value <= tree.threshold[i] {
            tree.left[i]
        } else {
            tree.right[i]
        };
    }
    tree.leaf[!node as usize]
}

struct Model {
    trees: Vec<Tree>,
    classes: usize,
    n_trees: usize,
    forest: trees::Forest,
}

fn models() -> &'static [Model] {
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    MODELS.get_or_init(|| {
        [(1, 5), (2, 6), (3, 15)]
            .into_iter()
            .map(|(classes, n_trees)| {
                let trees = trees();
                let forest = trees::Forest::parse(&model_text(&trees, classes, n_trees))
                    .expect("the model built here");
                assert_eq!(forest.n_trees(), n_trees);
                assert_eq!(forest.max_leaves(), 70);
                Model {
                    trees,
                    classes,
                    n_trees,
                    forest,
                }
            })
            .collect()
    })
}

/// Values that decide splits differently, picked by one byte; any other byte starts 8 of a float64.
const VALUES: [f64; 16] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    1e-35,
    -1e-35,
    1e-36,
    5e-324,
    -5e-324,
    f64::MIN_POSITIVE,
    0.5,
    1.0,
    -1.0,
    3.0,
    1e300,
];

fn values(data: &[u8]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let tag = data[i] as usize;
        i += 1;
        if tag < 0xf0 {
            out.push(VALUES[tag % VALUES.len()]);
        } else if let Some(bytes) = data.get(i..i + 8) {
            out.push(f64::from_le_bytes(bytes.try_into().unwrap()));
            i += 8;
        } else {
            break;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, data)) = data.split_first() else {
        return;
    };
    let model = &models()[which as usize % models().len()];
    let values = values(data);
    let scores = model.forest.raw(&values);
    if values.len() % FEATURES != 0 {
        assert!(scores.is_err());
        return;
    }
    let scores = scores.expect("rows of the model's width");
    let n_rows = values.len() / FEATURES;
    assert_eq!(scores.len(), n_rows * model.classes);
    for (r, row) in values.chunks_exact(FEATURES).enumerate() {
        let mut expected = vec![0.0; model.classes];
        for t in 0..model.n_trees {
            expected[t % model.classes] += reference_leaf(&model.trees[t % model.trees.len()], row);
        }
        for (c, &want) in expected.iter().enumerate() {
            let got = scores[c * n_rows + r];
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "row {r} {row:?} class {c}: {got} != {want}"
            );
        }
    }
});
