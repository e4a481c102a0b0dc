//! `Forest::parse` on any text (bytes read as UTF-8, lossy): an error, never a panic, and a model it
//! accepts is evaluated, in blocks of rows and row by row, to the same scores, without a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/trees.rs"]
mod trees;

/// Values that decide splits differently: NaN, infinities, zeros, LightGBM's zero threshold and
/// values beside it, subnormals.
const VALUES: [f64; 14] = [
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
    0.5,
    1.0,
    -1.0,
    f64::MAX,
];

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(forest) = trees::Forest::parse(&text) else {
        return;
    };
    let (width, classes) = (forest.n_features(), forest.n_classes());
    assert!(width > 0 && classes > 0 && forest.n_trees() > 0);
    assert_eq!(forest.n_trees() % classes, 0);
    assert!(forest.max_leaves() > 0);
    if width > 64 {
        return;
    }
    // more rows than a block, and the rest of a block: both ways of scoring a tree
    let n_rows = 37;
    let rows: Vec<f64> = (0..n_rows * width)
        .map(|i| VALUES[(i * 7 + i / width) % VALUES.len()])
        .collect();
    let together = forest.raw(&rows).expect("rows of the model's width");
    assert_eq!(together.len(), n_rows * classes);
    for (r, row) in rows.chunks_exact(width).enumerate() {
        let alone = forest.raw(row).expect("a row of the model's width");
        for c in 0..classes {
            assert!(
                same(alone[c], together[c * n_rows + r]),
                "row {r} class {c}"
            );
        }
    }
    assert!(forest.raw(&rows[..width + 1]).is_err() || width == 1);
});
