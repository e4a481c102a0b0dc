//! LightGBM models, read from their own text format (`Booster.model_to_string()`) and evaluated.
//!
//! Only what `cleaner train` writes is supported: numerical splits of binary and softmax multiclass
//! models. Anything else is refused when the text is read, so that a model is never evaluated
//! wrongly in silence, and a tree is checked to be one (every split and leaf reached once from the
//! root) so that every index into it is in bounds. The evaluation follows LightGBM's
//! `Tree::NumericalDecision` exactly: a missing value goes the split's default way, `value <=
//! threshold` goes left, and a row's raw score adds its leaves tree after tree, in the trees' order.
//!
//! A tree of at most 64 leaves (every tree `cleaner train` writes) is not walked from its root: as
//! in QuickScorer (Lucchese et al., SIGIR 2015), every split is tested, one that sends a row right
//! rules out the leaves of its left subtree, and the row's leaf is the leftmost one left standing.
//! Each split is tested on a block of rows at once, one feature's values side by side, in a loop
//! without branches that the compiler vectorizes; a walk would wait at every node on the last
//! one's outcome, which the processor cannot predict. Larger trees, and a row or two alone, are walked.
//!
//! Nothing here touches Python, so that the bindings in `lib.rs` run it with the GIL released.

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;

/// LightGBM's `kZeroThreshold`: a value at or below it in magnitude counts as zero.
const ZERO: f64 = 1e-35;

/// The bits of a split's `decision_type`.
const CATEGORICAL: i64 = 1;
const DEFAULT_LEFT: i64 = 2;

/// Rows scored together: one feature of the block's rows fills a few cache lines, and the block's
/// features stay in the first- or second-level cache while every split of every tree is tested.
const BLOCK: usize = 32;

/// The most leaves of a tree whose leaves ruled out fit a word.
const WORD_LEAVES: usize = 64;

/// A block of fewer rows is walked down the trees: testing every split costs more than the walk.
const WALKED_ROWS: usize = 4;

#[derive(Clone, Copy, Debug)]
struct Split {
    threshold: f64,
    feature: usize,
    /// Missing-value type zero: zero (and NaN, which counts as zero) goes the default way.
    zero_missing: bool,
    /// Missing-value type NaN: NaN goes the default way; zero is compared like any value.
    nan_missing: bool,
    default_left: bool,
    /// Left and right: a split's index in its tree, or `!leaf` for a leaf, numbered left to right.
    children: [i32; 2],
    /// The leaves of the left subtree, as bits (trees of at most 64 leaves).
    left_leaves: u64,
}

impl Split {
    /// LightGBM's `NumericalDecision`: whether `value` goes right. Without a branch: which way a
    /// row goes is data the processor cannot predict.
    #[inline(always)]
    fn goes_right(&self, value: f64) -> bool {
        let nan = value.is_nan();
        // a NaN counts as zero unless the split treats NaN as missing
        let value = if nan & !self.nan_missing { 0.0 } else { value };
        let missing = (self.zero_missing & (value.abs() <= ZERO)) | (self.nan_missing & nan);
        let left = value <= self.threshold;
        (missing & !self.default_left) | (!missing & !left)
    }
}

/// A tree's splits and leaf values (left to right), as ranges of the forest's flat arrays.
#[derive(Clone, Copy, Debug)]
struct Tree {
    first_split: usize,
    n_splits: usize,
    first_leaf: usize,
    n_leaves: usize,
}

/// A model: its trees in order; a multiclass model's tree `i` scores class `i % n_classes`.
#[derive(Debug)]
pub struct Forest {
    n_features: usize,
    n_classes: usize,
    max_leaves: usize,
    /// No split treats a value as missing: NaN is then zero everywhere, and is made zero up front.
    plain: bool,
    trees: Vec<Tree>,
    splits: Vec<Split>,
    leaves: Vec<f64>,
}

impl Forest {
    /// Read a model's text; the error says what is unsupported or malformed.
    pub fn parse(text: &str) -> Result<Forest, String> {
        let (header, body) = text.split_once("\nTree=").unwrap_or((text, ""));
        let head = fields(header);
        let objective = head
            .get("objective")
            .and_then(|o| o.split_whitespace().next());
        let n_classes: usize = number(&head, "num_class", "1")?;
        let supported = match objective {
            Some("binary") => n_classes == 1,
            Some("multiclass") => n_classes > 1,
            _ => false,
        };
        if !supported {
            return Err(format!(
                "only binary and softmax multiclass models are supported, not {} with {n_classes} classes",
                objective.unwrap_or("no objective")
            ));
        }
        let per_iteration: usize = number(&head, "num_tree_per_iteration", &n_classes.to_string())?;
        if per_iteration != n_classes {
            return Err("a multiclass model must have one tree per class and iteration".into());
        }
        let max_feature: i64 = number(&head, "max_feature_idx", "")?;
        let n_features = match usize::try_from(max_feature) {
            Ok(max) if max < usize::MAX => max + 1,
            _ => return Err(format!("max_feature_idx={max_feature} names no feature")),
        };
        let n_trees: usize = number(&head, "num_trees", &usize::MAX.to_string())?;

        let mut forest = Forest {
            n_features,
            n_classes,
            max_leaves: 0,
            plain: true,
            trees: Vec::new(),
            splits: Vec::new(),
            leaves: Vec::new(),
        };
        for chunk in body.split("\nTree=").take(n_trees) {
            let chunk = chunk.split("\nend of trees").next().unwrap_or("");
            let tree = fields(chunk);
            if !tree.contains_key("num_leaves") {
                continue;
            }
            let categorical: i64 = number(&tree, "num_cat", "0")?;
            if categorical != 0 || tree.get("is_linear").copied().unwrap_or("0") != "0" {
                return Err("categorical splits and linear trees are not supported".into());
            }
            forest.add_tree(&tree)?;
        }
        if forest.trees.is_empty() || forest.trees.len() % n_classes != 0 {
            return Err("no trees, or not as many for every class, in the model text".into());
        }
        Ok(forest)
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The most leaves of any one tree.
    pub fn max_leaves(&self) -> usize {
        self.max_leaves
    }

    fn add_tree(&mut self, tree: &HashMap<&str, &str>) -> Result<(), String> {
        let n_leaves: usize = number(tree, "num_leaves", "")?;
        if n_leaves == 0 || i32::try_from(n_leaves).is_err() {
            return Err(format!("a tree of {n_leaves} leaves"));
        }
        let n_splits = n_leaves - 1;
        let values: Vec<f64> = numbers(tree, "leaf_value", n_leaves)?;
        let first = Tree {
            first_split: self.splits.len(),
            n_splits,
            first_leaf: self.leaves.len(),
            n_leaves,
        };
        if n_splits == 0 {
            self.leaves.push(values[0]);
        } else {
            let feature: Vec<usize> = numbers(tree, "split_feature", n_splits)?;
            let threshold: Vec<f64> = numbers(tree, "threshold", n_splits)?;
            let decision: Vec<i64> = numbers(tree, "decision_type", n_splits)?;
            let left: Vec<i32> = numbers(tree, "left_child", n_splits)?;
            let right: Vec<i32> = numbers(tree, "right_child", n_splits)?;
            let shape = Shape::of(&left, &right, n_leaves)?;
            // a leaf's number: its position from the left
            let child = |c: i32| {
                if c < 0 {
                    !(shape.position[!c as usize] as i32)
                } else {
                    c
                }
            };
            for i in 0..n_splits {
                if feature[i] >= self.n_features {
                    return Err(format!(
                        "split on feature {} of {}",
                        feature[i], self.n_features
                    ));
                }
                if decision[i] & CATEGORICAL != 0 {
                    return Err("categorical splits and linear trees are not supported".into());
                }
                let missing = (decision[i] >> 2) & 3;
                if missing == 3 {
                    return Err(format!("unknown missing-value type in {}", decision[i]));
                }
                self.plain &= missing == 0;
                let (start, end) = shape.spans[i];
                self.splits.push(Split {
                    threshold: threshold[i],
                    feature: feature[i],
                    zero_missing: missing == 1,
                    nan_missing: missing == 2,
                    default_left: decision[i] & DEFAULT_LEFT != 0,
                    children: [child(left[i]), child(right[i])],
                    left_leaves: if n_leaves <= WORD_LEAVES {
                        (start..end).fold(0, |bits, leaf| bits | 1 << leaf)
                    } else {
                        0
                    },
                });
            }
            self.leaves
                .extend(shape.order.iter().map(|&leaf| values[leaf]));
        }
        self.trees.push(first);
        self.max_leaves = self.max_leaves.max(n_leaves);
        Ok(())
    }

    /// LightGBM's raw scores of `rows` (row-major, `n_features` values each), class after class:
    /// the scores of class `c` are `out[c * n_rows..(c + 1) * n_rows]`.
    ///
    /// Each row's score starts at 0 and adds the leaf of each tree in the trees' order. The output
    /// is class-major so that numpy, seeing it as rows x classes, sums a row's classes in order.
    pub fn raw(&self, rows: &[f64]) -> Result<Vec<f64>, String> {
        let width = self.n_features;
        if width == 0 || rows.len() % width != 0 {
            return Err(format!(
                "expected rows of {width} features, got {} values",
                rows.len()
            ));
        }
        let n_rows = rows.len() / width;
        if n_rows == 0 {
            return Ok(Vec::new());
        }
        let classes = self.n_classes;
        let mut out = vec![0.0; n_rows * classes];
        // feature after feature, the block's rows side by side: never more values than the rows hold
        let stride = BLOCK.min(n_rows);
        let mut columns = vec![0.0; width * stride];
        let mut scores = vec![0.0; stride * classes]; // row after row, each row's classes
        let mut ruled_out = vec![0u64; stride];
        for (b, block) in rows.chunks(stride * width).enumerate() {
            let n = block.len() / width;
            for (j, row) in block.chunks_exact(width).enumerate() {
                for (f, &value) in row.iter().enumerate() {
                    columns[f * stride + j] = if self.plain && value.is_nan() {
                        0.0
                    } else {
                        value
                    };
                }
            }
            scores.fill(0.0);
            for (t, tree) in self.trees.iter().enumerate() {
                let splits = &self.splits[tree.first_split..tree.first_split + tree.n_splits];
                let leaves = &self.leaves[tree.first_leaf..tree.first_leaf + tree.n_leaves];
                let class = t % classes;
                if tree.n_leaves > WORD_LEAVES || n < WALKED_ROWS {
                    for (j, row) in block.chunks_exact(width).enumerate() {
                        scores[j * classes + class] += leaves[walk(splits, row)];
                    }
                    continue;
                }
                // loops over slices of the block's length, not arrays of BLOCK: a loop of a constant
                // count is unrolled before the vectorizer sees it, and ran some six times slower
                let ruled_out = &mut ruled_out[..n];
                ruled_out.fill(0);
                for split in splits {
                    let values = &columns[split.feature * stride..split.feature * stride + n];
                    if self.plain {
                        for (bits, &value) in ruled_out.iter_mut().zip(values) {
                            let left = value <= split.threshold;
                            *bits |= split.left_leaves & u64::from(!left).wrapping_neg();
                        }
                    } else {
                        for (bits, &value) in ruled_out.iter_mut().zip(values) {
                            let right = split.goes_right(value);
                            *bits |= split.left_leaves & u64::from(right).wrapping_neg();
                        }
                    }
                }
                // the row's leaf is never ruled out: each split above it sent the row its way
                for (j, bits) in ruled_out.iter().enumerate() {
                    scores[j * classes + class] += leaves[(!bits).trailing_zeros() as usize];
                }
            }
            for j in 0..n {
                for c in 0..classes {
                    out[c * n_rows + b * stride + j] = scores[j * classes + c];
                }
            }
        }
        Ok(out)
    }
}

/// The leaf (numbered left to right) that a row reaches in a tree of `splits`: walked from the root,
/// for trees of more leaves than a word holds. The tree's shape was checked: the walk ends.
fn walk(splits: &[Split], row: &[f64]) -> usize {
    if splits.is_empty() {
        return 0;
    }
    let mut node = 0;
    while node >= 0 {
        let split = &splits[node as usize];
        node = split.children[usize::from(split.goes_right(row[split.feature]))];
    }
    !node as usize
}

/// The `key=value` lines of a chunk of the text, keys and values trimmed; a later key wins.
fn fields(chunk: &str) -> HashMap<&str, &str> {
    chunk
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect()
}

fn number<T: FromStr>(fields: &HashMap<&str, &str>, key: &str, default: &str) -> Result<T, String>
where
    T::Err: Display,
{
    let value = fields.get(key).copied().unwrap_or(default);
    value
        .parse()
        .map_err(|error| format!("{key}={value:?}: {error}"))
}

/// The `expected` whitespace-separated numbers of a field.
fn numbers<T: FromStr>(
    fields: &HashMap<&str, &str>,
    key: &str,
    expected: usize,
) -> Result<Vec<T>, String>
where
    T::Err: Display,
{
    let values = fields
        .get(key)
        .copied()
        .unwrap_or("")
        .split_whitespace()
        .map(|v| v.parse().map_err(|error| format!("{key}: {v:?}: {error}")))
        .collect::<Result<Vec<T>, String>>()?;
    if values.len() != expected {
        return Err(format!("{key} has {} values, not {expected}", values.len()));
    }
    Ok(values)
}

/// Where a tree's leaves lie from left to right, checked to be a tree: from split 0, every split and
/// every leaf is reached exactly once. A walk down it ends, and never indexes outside it.
struct Shape {
    /// The leaves (their numbers in the text) from left to right.
    order: Vec<usize>,
    /// Each leaf's position from the left.
    position: Vec<usize>,
    /// Each split's left subtree: the positions of its leaves, `start..end`.
    spans: Vec<(usize, usize)>,
}

impl Shape {
    fn of(left: &[i32], right: &[i32], n_leaves: usize) -> Result<Shape, String> {
        enum Step {
            Enter(i32),
            /// A split whose left subtree is done; its leaves start at the position given.
            LeftDone(usize, usize),
        }
        let n_splits = left.len();
        let mut split_seen = vec![false; n_splits];
        let mut shape = Shape {
            order: Vec::with_capacity(n_leaves),
            position: vec![usize::MAX; n_leaves],
            spans: vec![(0, 0); n_splits],
        };
        let mut stack = vec![Step::Enter(0)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Enter(node) if node < 0 => match shape.position.get_mut(!node as usize) {
                    Some(position) if *position == usize::MAX => {
                        *position = shape.order.len();
                        shape.order.push(!node as usize);
                    }
                    _ => {
                        return Err(format!(
                            "the children of a tree do not make a tree (at leaf {})",
                            !node
                        ))
                    }
                },
                Step::Enter(node) => match split_seen.get_mut(node as usize) {
                    Some(seen) if !*seen => {
                        *seen = true;
                        stack.push(Step::LeftDone(node as usize, shape.order.len()));
                        stack.push(Step::Enter(left[node as usize]));
                    }
                    _ => {
                        return Err(format!(
                            "the children of a tree do not make a tree (at split {node})"
                        ))
                    }
                },
                Step::LeftDone(split, start) => {
                    shape.spans[split] = (start, shape.order.len());
                    stack.push(Step::Enter(right[split]));
                }
            }
        }
        if split_seen.iter().all(|&seen| seen) && shape.order.len() == n_leaves {
            Ok(shape)
        } else {
            Err("a tree has splits or leaves that its root does not reach".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nmax_feature_idx=1\nobjective=binary sigmoid:1\n";

    /// A binary model of one stump on feature 0 (decision_type given) and one single-leaf tree.
    fn model(decision_type: i64) -> String {
        format!(
            "{HEADER}\nTree=0\nnum_leaves=2\nnum_cat=0\nsplit_feature=0\nthreshold=0.5\n\
             decision_type={decision_type}\nleft_child=-1\nright_child=-2\nleaf_value=-1 2\n\n\
             Tree=1\nnum_leaves=1\nnum_cat=0\nleaf_value=0.25\n\nend of trees\n\nfeature_importances:\nColumn_0=1\n"
        )
    }

    /// The raw scores of `rows` one at a time (walked), checked against the same rows scored in
    /// blocks (every split tested), where they stand among other rows.
    fn raw(forest: &Forest, rows: &[[f64; 2]]) -> Vec<f64> {
        let alone: Vec<f64> = rows
            .iter()
            .flat_map(|row| forest.raw(row).unwrap())
            .collect();
        let many: Vec<[f64; 2]> = rows.iter().cycle().take(rows.len() * 40).copied().collect();
        let together = forest.raw(many.concat().as_slice()).unwrap();
        let again: Vec<f64> = alone.iter().cycle().take(together.len()).copied().collect();
        assert_eq!(together, again);
        alone
    }

    #[test]
    fn thresholds_compare_with_at_most() {
        let forest = Forest::parse(&model(2)).unwrap();
        assert_eq!(
            (forest.n_features(), forest.n_classes(), forest.n_trees()),
            (2, 1, 2)
        );
        assert_eq!(forest.max_leaves(), 2);
        assert_eq!(
            raw(&forest, &[[0.5, 9.0], [0.6, 9.0], [-1.0, 9.0]]),
            [-0.75, 2.25, -0.75]
        );
    }

    #[test]
    fn missing_values_follow_the_decision_type() {
        let (nan, tiny) = (f64::NAN, 1e-36);
        // missing type none: NaN is compared as 0 (left of 0.5); default_left is ignored
        let none = Forest::parse(&model(0)).unwrap();
        assert_eq!(raw(&none, &[[nan, 0.0], [tiny, 0.0]]), [-0.75, -0.75]);
        // zero: NaN and |x| <= 1e-35 go the default way (right here: bit 2 clear)
        let zero = Forest::parse(&model(4)).unwrap();
        assert_eq!(
            raw(
                &zero,
                &[[nan, 0.0], [tiny, 0.0], [-tiny, 0.0], [1e-34, 0.0]]
            ),
            [2.25, 2.25, 2.25, -0.75]
        );
        // NaN: NaN goes the default way (left: bit 2 set), zero is compared
        let nan_left = Forest::parse(&model(8 | 2)).unwrap();
        assert_eq!(
            raw(&nan_left, &[[nan, 0.0], [0.0, 0.0], [7.0, 0.0]]),
            [-0.75, -0.75, 2.25]
        );
        let nan_right = Forest::parse(&model(8)).unwrap();
        assert_eq!(raw(&nan_right, &[[nan, 0.0], [0.0, 0.0]]), [2.25, -0.75]);
    }

    #[test]
    fn a_deeper_tree_with_its_leaves_out_of_order() {
        // split 0 sends rows to split 1 or 2; the leaves are numbered out of their left-to-right order
        let text = format!(
            "{HEADER}\nTree=0\nnum_leaves=4\nsplit_feature=0 1 1\nthreshold=0.5 1 -1\n\
             decision_type=2 10 4\nleft_child=1 -3 -4\nright_child=2 -1 -2\nleaf_value=10 20 30 40\n"
        );
        let forest = Forest::parse(&text).unwrap();
        let nan = f64::NAN;
        let rows = [
            [0.0, 0.0],  // left, then 0 <= 1: leaf 2
            [0.0, nan],  // left, then NaN is missing there, default left: leaf 2
            [0.0, 2.0],  // left, then right: leaf 0
            [1.0, 0.0],  // right, then zero is missing there, default right: leaf 1
            [1.0, nan],  // right, NaN counts as zero: leaf 1
            [1.0, -2.0], // right, then -2 <= -1: leaf 3
            [1.0, 5.0],  // right, right: leaf 1
            [nan, -2.0], // NaN is zero at split 0 (no missing type): left, left: leaf 2
        ];
        assert_eq!(
            raw(&forest, &rows),
            [30.0, 30.0, 10.0, 20.0, 20.0, 40.0, 20.0, 30.0]
        );
    }

    #[test]
    fn multiclass_trees_take_turns() {
        let text = "tree\nnum_class=2\nnum_tree_per_iteration=2\nmax_feature_idx=0\nobjective=multiclass num_class:2\n\n\
            Tree=0\nnum_leaves=1\nleaf_value=1\n\nTree=1\nnum_leaves=1\nleaf_value=10\n\n\
            Tree=2\nnum_leaves=1\nleaf_value=100\n\nTree=3\nnum_leaves=1\nleaf_value=1000\n\nend of trees\n";
        let forest = Forest::parse(text).unwrap();
        // two rows: class 0 of both, then class 1 of both
        assert_eq!(
            forest.raw(&[0.0, 5.0]).unwrap(),
            [101.0, 101.0, 1010.0, 1010.0]
        );
    }

    #[test]
    fn num_trees_limits_the_trees_read() {
        let text = model(2).replace(
            "num_tree_per_iteration=1\n",
            "num_tree_per_iteration=1\nnum_trees=1\n",
        );
        let forest = Forest::parse(&text).unwrap();
        assert_eq!(forest.n_trees(), 1);
        assert_eq!(forest.raw(&[0.0, 0.0]).unwrap(), [-1.0]);
    }

    #[test]
    fn unsupported_and_malformed_models_are_refused() {
        let good = model(2);
        let bad = [
            good.replace("objective=binary sigmoid:1", "objective=regression"),
            good.replace("num_class=1", "num_class=3"),
            good.replace("num_cat=0\nsplit", "num_cat=1\nsplit"),
            good.replace("num_cat=0\nsplit", "is_linear=1\nsplit"),
            good.replace("decision_type=2", "decision_type=1"),
            good.replace("decision_type=2", "decision_type=12"),
            good.replace("split_feature=0", "split_feature=2"),
            good.replace("split_feature=0", "split_feature=-1"),
            good.replace("threshold=0.5", "threshold=half"),
            good.replace("threshold=0.5", "threshold=0.5 0.7"),
            good.replace("leaf_value=-1 2", "leaf_value=-1"),
            good.replace("left_child=-1", "left_child=0"),
            good.replace("left_child=-1", "left_child=-2"),
            good.replace("left_child=-1", "left_child=-3"),
            good.replace("left_child=-1", "left_child=2147483647"),
            good.replace("num_leaves=2", "num_leaves=0"),
            good.replace("max_feature_idx=1", "max_feature_idx=-1"),
            good.replace("max_feature_idx=1\n", ""),
            HEADER.to_string(),
            String::new(),
        ];
        for text in bad {
            assert!(Forest::parse(&text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_tree_whose_children_loop_is_refused() {
        let text = format!(
            "{HEADER}\nTree=0\nnum_leaves=3\nsplit_feature=0 1\nthreshold=0 0\ndecision_type=0 0\n\
             left_child=1 0\nright_child=-1 -2\nleaf_value=1 2 3\n"
        );
        assert!(Forest::parse(&text).is_err());
    }

    #[test]
    fn a_model_of_very_many_features_allocates_no_more_than_its_rows() {
        let text = model(2).replace("max_feature_idx=1", "max_feature_idx=1000000000000000");
        let forest = Forest::parse(&text).unwrap();
        assert_eq!(forest.raw(&[]).unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn rows_of_the_wrong_width_are_an_error() {
        let forest = Forest::parse(&model(2)).unwrap();
        assert!(forest.raw(&[0.0, 1.0, 2.0]).is_err());
        assert_eq!(forest.raw(&[]).unwrap(), Vec::<f64>::new());
    }
}
