//! HTML parsing and segmentation (`Page::parse`, `Page::segment`, `Page::locators`) on any bytes, read
//! as UTF-8 (lossy), with rule verdicts on some of the page's elements: no panic, and blocks as
//! `cleaner.segment.blocks` takes them (non-empty normalized text, offsets in order and within the
//! joined text, each block's element among the page's block-level elements, whose parents come
//! before them). The nesting bound keeps every text character of the markup.

#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/dom.rs"]
mod dom;
#[allow(dead_code)]
#[path = "../../src/features.rs"]
mod features;
#[allow(dead_code)]
#[path = "../../src/python_unicode.rs"]
mod python_unicode;
#[allow(dead_code)]
#[path = "../../src/segment.rs"]
mod segment;
#[allow(dead_code)]
#[path = "../../src/text.rs"]
mod text;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let markup = String::from_utf8_lossy(rest);
    let bounded = dom::bounded_depth(&markup);
    assert!(bounded.len() <= markup.len());
    let Some(page) = segment::Page::parse(&markup, None) else {
        panic!("no deadline, yet no page");
    };
    // a verdict on every third key, as a rule set that marks some of the page's elements
    let verdicts: Vec<segment::Verdict> = (0..page.keys.len())
        .map(|i| (i % 3 == usize::from(flags % 3)).then(|| (Arc::from("navigation"), Arc::from("fuzz.rule"))))
        .collect();
    let segmented = page.segment(&verdicts, flags & 4 != 0, flags & 8 != 0);
    assert_eq!(segmented.boxes.len(), segmented.box_tags.len());
    for (i, &parent) in segmented.boxes.iter().enumerate() {
        assert!(parent < i as i64, "a box's parent comes before it");
    }
    let mut end = 0;
    for (i, block) in segmented.blocks.iter().enumerate() {
        assert!(!block.text.is_empty());
        assert_eq!(block.text, block.text.trim());
        assert!(block.start >= end && (i == 0 || block.start == end + 2));
        assert_eq!(block.end - block.start, block.text.chars().count());
        assert!((0.0..=1.0).contains(&block.link_density));
        assert!(block.box_ < segmented.boxes.len());
        assert!(block.attrs.len() <= 16);
        end = block.end;
    }
    let nodes: Vec<u32> = segmented.marked.iter().map(|m| m.node).collect();
    assert_eq!(page.locators(&nodes).map(|found| found.len()), Some(nodes.len()));
});
