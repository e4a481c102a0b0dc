//! The feature rows' pure-Rust layer: `Spec::new` on any names and vocabularies (an error, never a
//! panic), and `Spec::rows` of any blocks under the vocabularies of the core's own tests (no panic,
//! a row of `width` columns per block, every one-hot column set, finite wherever the block's
//! numbers are). What the binding reads from Python objects (`read_block` in `lib.rs`) is not
//! reached here: it needs the interpreter.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[allow(dead_code)]
#[path = "../../src/features.rs"]
mod features;
#[allow(dead_code)]
#[path = "../../src/python_unicode.rs"]
mod python_unicode;

/// The scalar columns' names, which `Spec::new` requires every one of (`features::SCALARS`).
const SCALARS: &str = "log_words log_chars punct_ratio digit_ratio capital_ratio stopword_ratio \
    mean_word_length terminal ellipsis lines link_density depth position char_position trafilatura \
    removed_by_rules log_blocks kept_share heading_distance prev_log_words prev_trafilatura \
    prev_link_density prev_kept next_log_words next_trafilatura next_link_density next_kept \
    window_trafilatura window_kept prev_terminal prev_stopword_ratio next_terminal \
    next_stopword_ratio window_log_words window_terminal window_stopword_ratio window_stamps \
    page_log_stamps page_log_words page_trafilatura_log_words page_trafilatura_share \
    inside_trafilatura_span trafilatura_distance inside_dense_region dense_region_distance \
    dense_region_share collapsed";

fn strings(words: &str) -> Vec<String> {
    words.split_whitespace().map(String::from).collect()
}

fn spec() -> &'static features::Spec {
    static SPEC: OnceLock<features::Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut names = strings(SCALARS);
        names.extend(strings(
            "kind_p kind_h reason_navigation attr_content path_article",
        ));
        let vocabularies = features::Vocabularies {
            kinds: strings("p h"),
            reasons: strings("navigation"),
            attr_tokens: strings("content"),
            path_tags: strings("article"),
            open_reasons: strings("low_content"),
            heading: "h".into(),
            stopwords: strings("the für i"),
            strip: ".,;:!?\"'()[]“”‘’«»".into(),
            terminal: ".!?\"”’»)".into(),
            endings: strings("… ..."),
            cjk: vec![(0x3040, 0x30FF), (0x4E00, 0x9FFF)],
            stamp_units: strings("minute day week"),
            stamp_after: "ago".into(),
        };
        features::Spec::new(&names, vocabularies).expect("the core tests' vocabularies")
    })
}

#[derive(Arbitrary, Debug)]
struct Block {
    text: String,
    depth: u8,
    link_density: f64,
    verdict: u8,
    start: i64,
    end: i64,
    collapsed: f64,
    heading: bool,
    open: bool,
    one_hot: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct Vocabularies {
    names: Vec<String>,
    kinds: Vec<String>,
    reasons: Vec<String>,
    attr_tokens: Vec<String>,
    path_tags: Vec<String>,
    stopwords: Vec<String>,
    strip: String,
    cjk: Vec<(u32, u32)>,
    stamp_units: Vec<String>,
    stamp_after: String,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Rows(Vec<Block>),
    Spec(Box<Vocabularies>),
}

fuzz_target!(|input: Input| {
    let blocks = match input {
        Input::Spec(v) => {
            let mut names = strings(SCALARS);
            names.extend(v.names);
            let vocabularies = features::Vocabularies {
                kinds: v.kinds,
                reasons: v.reasons,
                attr_tokens: v.attr_tokens,
                path_tags: v.path_tags,
                open_reasons: Vec::new(),
                heading: String::new(),
                stopwords: v.stopwords,
                strip: v.strip,
                terminal: ".".into(),
                endings: Vec::new(),
                cjk: v.cjk,
                stamp_units: v.stamp_units,
                stamp_after: v.stamp_after,
            };
            if let Ok(spec) = features::Spec::new(&names, vocabularies) {
                assert_eq!(spec.width(), names.len());
            }
            return;
        }
        Input::Rows(blocks) => blocks,
    };
    let spec = spec();
    let width = spec.width();
    let finite = blocks
        .iter()
        .all(|b| b.link_density.is_finite() && b.collapsed.is_finite());
    let blocks: Vec<features::Block> = blocks
        .into_iter()
        .map(|b| features::Block {
            text: b.text,
            depth: b.depth.into(),
            link_density: b.link_density,
            verdict: [0.0, 1.0, 0.5][b.verdict as usize % 3],
            start: b.start,
            end: b.end,
            collapsed: b.collapsed,
            heading: b.heading,
            open: b.open,
            one_hot: b.one_hot.iter().map(|&c| c as usize % width).collect(),
        })
        .collect();
    let rows = spec.rows(&blocks);
    assert_eq!(rows.len(), blocks.len() * width);
    for (block, row) in blocks.iter().zip(rows.chunks_exact(width)) {
        for &c in &block.one_hot {
            assert_eq!(row[c], 1.0);
        }
        if finite {
            assert!(row.iter().all(|v| v.is_finite()), "{row:?}");
        }
    }
});
