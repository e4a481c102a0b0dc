//! Cut an HTML page into blocks: one walk over the tree, in document order, without recursion.
//!
//! A block is the inline text between two block-level boundaries, with its DOM context: the tag
//! path, link density, class and id tokens, and, when the element or an ancestor is marked as
//! never-content (by a rule's verdict on its tag, class, id or role, or because it is hidden), the
//! reason. `cleaner.segment.blocks` documents each choice; this is its compiled form.
//!
//! The rules are Python's: the page's distinct (tag, attributes, role) keys go to Python once
//! (`Page::element_keys`), and their verdicts come back in the same order (`segment`'s `verdicts`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc as Rc;
use std::time::Instant;

use html5ever::LocalName;

use crate::dom::{Data, Dom, NONE};
use crate::features::{caseless_eq, in_ranges, is_digit, is_space, is_word};
use crate::python_unicode::{DIGIT, ISDIGIT};
use crate::text::{is_invisible, is_py_space, normalize_line, py_strip};

/// Tag paths stop growing at this depth (deeper elements still mark, cut and frame their blocks).
pub const MAX_DEPTH: u32 = 1000;
/// Class and id tokens a block keeps, nearest last.
const MAX_ATTRS: usize = 16;
/// A page shorter than this (visible characters) has no page-wide marked element.
const PAGE_WIDE_MIN_CHARS: usize = 500;
/// Words of prose before a marked element that make it a section after the article, not a wrapper.
const ARTICLE_WORDS: usize = 12;
/// One paragraph of prose (`cleaner.decide.state.is_prose`).
const PROSE_WORDS: usize = 12;

fn skipped(tag: &str, noscript: bool) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "template"
            | "svg"
            | "math"
            | "canvas"
            | "iframe"
            | "object"
            | "embed"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "input"
            | "textarea"
            | "option"
            | "datalist"
            | "audio"
            | "video"
            | "source"
            | "track"
            | "map"
            | "area"
    ) || (tag == "noscript" && !noscript)
}

/// The block kind an element gives its text, if it gives one of its own.
fn own_kind(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "h",
        "li" | "dt" | "dd" => "li",
        "blockquote" => "quote",
        "pre" => "pre",
        "td" | "th" => "cell",
        "figcaption" => "caption",
        _ => return None,
    })
}

fn is_block(tag: &str) -> bool {
    own_kind(tag).is_some()
        || matches!(
            tag,
            "p" | "div"
                | "section"
                | "article"
                | "main"
                | "header"
                | "footer"
                | "aside"
                | "nav"
                | "ul"
                | "ol"
                | "dl"
                | "table"
                | "thead"
                | "tbody"
                | "tfoot"
                | "tr"
                | "caption"
                | "figure"
                | "form"
                | "fieldset"
                | "legend"
                | "address"
                | "center"
                | "details"
                | "summary"
                | "body"
                | "html"
                | "hr"
                | "dialog"
                | "menu"
        )
}

/// Containers the Markdown output rebuilds (`Block.frame`), as the static name a frame records.
fn framed(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "ul" => "ul",
        "ol" => "ol",
        "li" => "li",
        "table" => "table",
        "tr" => "tr",
        "td" => "td",
        "th" => "th",
        "blockquote" => "blockquote",
        "pre" => "pre",
        _ => return None,
    })
}

/// Inline marks the Markdown output rebuilds (`Block.inline`).
fn inline_mark(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "em" => "em",
        "i" => "i",
        "strong" => "strong",
        "b" => "b",
        "s" => "s",
        "del" => "del",
        "strike" => "strike",
        "code" => "code",
        "kbd" => "kbd",
        "samp" => "samp",
        "tt" => "tt",
        "a" => "a",
        _ => return None,
    })
}

/// Elements never marked as a whole: a marker on them is page-wide, not a banner.
fn never_marked(tag: &str) -> bool {
    matches!(tag, "html" | "body" | "main" | "article")
}

/// Where another parser's tree finds an element: `(tag, class, id, rank, total, fingerprint)`
/// (`Page::locators`).
pub type Locator = (String, Option<String>, Option<String>, usize, usize, String);

/// Non-space characters of an element's text that tell it from its namesakes (`Page::fingerprint`).
const FINGERPRINT_CHARS: usize = 64;

/// The reason and rule that mark an element as never-content.
pub type Verdict = Option<(Rc<str>, Rc<str>)>;

/// The attributes the rules read, as `(tag, attributes, role)`.
pub type Key = (String, String, String);

#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub piece: usize,
    pub tag: &'static str,
    pub opening: bool,
    pub href: Option<String>,
}

pub type Frame = Vec<(&'static str, usize, usize)>;

pub struct Block {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub kind: &'static str,
    pub path: Rc<str>,
    pub reason: Option<Rc<str>>,
    pub rule: Option<Rc<str>>,
    pub link_density: f64,
    pub attrs: Rc<Vec<Rc<str>>>,
    pub collapsed: bool,
    pub frame: Rc<Frame>,
    pub box_: usize,
    /// The raw pieces and marks, where the Markdown needs more than the text.
    pub inline: Option<(Vec<String>, Vec<Mark>)>,
}

pub struct Marked {
    pub node: u32,
    /// The element itself is hidden (not only collapsed).
    pub hidden: bool,
    /// One of its blocks is prose: markup alone is then only evidence.
    pub holds_prose: bool,
}

pub struct Segmented {
    pub blocks: Vec<Block>,
    /// Outermost marked elements, in document order.
    pub marked: Vec<Marked>,
    pub boxes: Vec<i64>,
    pub box_tags: Vec<String>,
}

/// A parsed page and what every segmentation of it shares.
pub struct Page {
    pub dom: Dom,
    /// Words of the markup outside tags, comments and scripts ([`crate::dom::markup_words`]).
    pub markup_words: usize,
    /// Each node's index into `keys` (NONE for nodes that are not elements).
    key_of: Vec<u32>,
    pub keys: Vec<Key>,
    tokens: Vec<Rc<Vec<Rc<str>>>>,
    /// Visible text under each node: characters of its words, and its words.
    visible: Vec<(usize, usize)>,
}

#[derive(Clone)]
struct Context {
    reason: Option<Rc<str>>,
    rule: Option<Rc<str>>,
    in_link: bool,
    attrs: Rc<Vec<Rc<str>>>,
    collapsed: bool,
    marker: Option<usize>,
}

/// What an element hands its text and children.
struct State {
    context: Rc<Context>,
    kind: &'static str,
    path: Rc<str>,
    frame: Rc<Frame>,
    box_: usize,
    depth: u32,
}

enum Item {
    Open(u32, Rc<State>),
    /// An element's end: whether it is block-level, and its inline mark.
    Close(bool, Option<&'static str>),
}

impl Page {
    /// The page parsed, None when `deadline` passed first.
    pub fn parse(text: &str, deadline: Option<Instant>) -> Option<Page> {
        let dom = Dom::parse(text, deadline)?;
        let markup_words = crate::dom::markup_words(text);
        let mut key_of = vec![NONE; dom.nodes.len()];
        let mut keys = Vec::new();
        let mut seen: HashMap<Key, u32> = HashMap::new();
        // most elements carry no attribute: their key is their tag alone, found without building one
        let mut bare: HashMap<&LocalName, u32> = HashMap::new();
        for (node, slot) in key_of.iter_mut().enumerate() {
            if !dom.is_element(node as u32) {
                continue;
            }
            if !dom.has_attributes(node as u32) {
                let name = &dom.names[node].local;
                if let Some(&key) = bare.get(name) {
                    *slot = key;
                    continue;
                }
            }
            let key = element_key(&dom, node as u32);
            let bare_key = key.1.is_empty() && !dom.has_attributes(node as u32);
            *slot = *seen.entry(key).or_insert_with_key(|key| {
                keys.push(key.clone());
                (keys.len() - 1) as u32
            });
            if bare_key {
                bare.insert(&dom.names[node].local, *slot);
            }
        }
        let tokens = keys
            .iter()
            .map(|(_, attributes, _)| Rc::new(attr_tokens(attributes)))
            .collect();
        let visible = visible_text(&dom);
        Some(Page {
            dom,
            markup_words,
            key_of,
            keys,
            tokens,
            visible,
        })
    }

    /// The length of the page's visible text with every run of white space as one space.
    pub fn visible_chars(&self, node: u32) -> usize {
        let (chars, words) = self.visible[node as usize];
        chars + words.saturating_sub(1)
    }

    pub fn root_visible_words(&self) -> usize {
        let root = self.dom.root();
        if root == NONE {
            0
        } else {
            self.visible[root as usize].1
        }
    }

    pub fn root_visible_chars(&self) -> usize {
        let root = self.dom.root();
        if root == NONE {
            0
        } else {
            self.visible_chars(root)
        }
    }

    /// Blocks of the page: `verdicts` holds the rules' verdict on each of `keys`, in order.
    pub fn segment(&self, verdicts: &[Verdict], noscript: bool, open_hidden: bool) -> Segmented {
        let mut walk = Walk {
            page: self,
            verdicts,
            builder: Builder::default(),
            marked: Vec::new(),
            total_chars: self.root_visible_chars(),
            open_hidden,
        };
        let root = self.dom.root();
        if root != NONE {
            walk.run(root, noscript);
        }
        walk.builder.flush();
        for &marker in &walk.builder.holding_prose {
            walk.marked[marker].holds_prose = true;
        }
        Segmented {
            blocks: walk.builder.blocks,
            marked: walk.marked,
            boxes: walk.builder.boxes,
            box_tags: walk.builder.box_tags,
        }
    }

    /// For each node, `(tag, class, id, n, total)`: it is the n-th element (from 0, in document order)
    /// of the `total` with that tag, class and id. Another parser's tree of the page finds the same
    /// element by them where it holds as many. None when a node is not an element of the page.
    pub fn locators(&self, nodes: &[u32]) -> Option<Vec<Locator>> {
        if nodes
            .iter()
            .any(|&n| n as usize >= self.dom.nodes.len() || !self.dom.is_element(n))
        {
            return None;
        }
        let signature = |node: u32| {
            (
                self.dom.tag(node),
                self.dom.get(node, "class"),
                self.dom.get(node, "id"),
            )
        };
        let wanted: HashSet<_> = nodes.iter().map(|&n| signature(n)).collect();
        let tags: HashSet<&str> = wanted.iter().map(|(tag, _, _)| *tag).collect();
        let targets: HashSet<u32> = nodes.iter().copied().collect();
        let mut count: HashMap<_, usize> = HashMap::new();
        let mut nth: HashMap<u32, usize> = HashMap::new();
        for node in DocumentOrder::new(&self.dom, self.dom.root()) {
            if !tags.contains(self.dom.tag(node)) {
                continue;
            }
            let sig = signature(node);
            if wanted.contains(&sig) {
                let seen = count.entry(sig).or_insert(0);
                if targets.contains(&node) {
                    nth.insert(node, *seen);
                }
                *seen += 1;
            }
        }
        nodes
            .iter()
            .map(|&node| {
                let sig = signature(node);
                let total = count.get(&sig).copied().unwrap_or(0);
                let (tag, class, id) = sig;
                let owned = |v: Option<&str>| v.map(str::to_string);
                Some((
                    tag.to_string(),
                    owned(class),
                    owned(id),
                    nth.get(&node).copied().unwrap_or(0),
                    total,
                    self.fingerprint(node),
                ))
            })
            .collect()
    }
}

impl Page {
    /// The first non-space characters of all the text under `node` (hidden text and scripts too), in
    /// document order: lxml's `text_content()` of the same element starts with the same ones.
    pub fn fingerprint(&self, node: u32) -> String {
        let mut out = String::new();
        let mut count = 0;
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match &self.dom.nodes[n as usize].data {
                Data::Text(text) => {
                    for c in text.chars().filter(|&c| !is_space(c)) {
                        if count == FINGERPRINT_CHARS {
                            return out;
                        }
                        out.push(c);
                        count += 1;
                    }
                }
                Data::Element(_) => {
                    let at = stack.len();
                    stack.extend(self.dom.children(n));
                    stack[at..].reverse();
                }
                _ => {}
            }
        }
        out
    }
}

/// The elements under `root` (itself included), in document order.
struct DocumentOrder<'a> {
    dom: &'a Dom,
    stack: Vec<u32>,
}

impl<'a> DocumentOrder<'a> {
    fn new(dom: &'a Dom, root: u32) -> Self {
        let stack = if root == NONE { vec![] } else { vec![root] };
        DocumentOrder { dom, stack }
    }
}

impl Iterator for DocumentOrder<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let node = self.stack.pop()?;
        let at = self.stack.len();
        for child in self.dom.children(node) {
            if self.dom.is_element(child) {
                self.stack.push(child);
            }
        }
        self.stack[at..].reverse();
        Some(node)
    }
}

/// The class, id, role and aria-label the rules read, lower-cased, and the role alone.
fn element_key(dom: &Dom, node: u32) -> Key {
    let tag = dom.tag(node).to_lowercase();
    if !dom.has_attributes(node) {
        return (tag, String::new(), String::new());
    }
    let id = dom.get(node, "id").filter(|id| !is_heading_anchor(id));
    let values = [
        dom.get(node, "class"),
        id,
        dom.get(node, "role"),
        dom.get(node, "aria-label"),
    ];
    let attributes = values
        .iter()
        .flatten()
        .filter(|v| !v.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let role = if attributes.is_empty() {
        String::new()
    } else {
        dom.get(node, "role").unwrap_or("").to_lowercase()
    };
    (tag, attributes, role)
}

/// An id made of five or more words is an anchor generated from a heading's text, not a name.
fn is_heading_anchor(id: &str) -> bool {
    // the pattern's `$` also matches before a final line end
    let id = id.strip_suffix('\n').unwrap_or(id);
    let letter = |c: char| is_word(c) && !is_digit(c) && c != '_';
    let mut words = 0;
    for word in id.split(['-', '_']) {
        if word.is_empty() || !word.chars().all(letter) {
            return false;
        }
        words += 1;
    }
    words >= 5
}

fn py_isdigit(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            if c.is_ascii() {
                c.is_ascii_digit()
            } else {
                in_ranges(c as u32, ISDIGIT)
            }
        })
}

/// Class and id tokens: split at white space, `_`, `-` and `:`; one character and numbers left out.
fn attr_tokens(attributes: &str) -> Vec<Rc<str>> {
    attributes
        .split(|c: char| is_space(c) || matches!(c, '_' | '-' | ':'))
        .filter(|t| t.chars().count() > 1 && !py_isdigit(t))
        .map(Rc::from)
        .collect()
}

/// `display: none` or `visibility: hidden` in a style attribute, as a case-insensitive search.
fn hidden_style(style: &str) -> bool {
    let chars: Vec<char> = style.chars().collect();
    let matches_at = |mut i: usize, first: &str, second: &str| -> bool {
        for letter in first.bytes() {
            if i >= chars.len() || !caseless_eq(chars[i], letter) {
                return false;
            }
            i += 1;
        }
        while i < chars.len() && is_py_space(chars[i]) {
            i += 1;
        }
        if i >= chars.len() || chars[i] != ':' {
            return false;
        }
        i += 1;
        while i < chars.len() && is_py_space(chars[i]) {
            i += 1;
        }
        for letter in second.bytes() {
            if i >= chars.len() || !caseless_eq(chars[i], letter) {
                return false;
            }
            i += 1;
        }
        true
    };
    (0..chars.len())
        .any(|i| matches_at(i, "display", "none") || matches_at(i, "visibility", "hidden"))
}

/// (hidden, collapsed): `cleaner.segment.visibility.visibility`.
fn visibility(dom: &Dom, node: u32) -> (bool, bool) {
    let hidden = dom.get(node, "aria-hidden") == Some("true")
        || dom.get(node, "style").is_some_and(hidden_style);
    (hidden, !hidden && dom.get(node, "hidden").is_some())
}

/// Visible words and their characters under every node (script, style, head, noscript and template
/// text left out, as a browser shows the page), in one walk that sums each subtree on the way up.
fn visible_text(dom: &Dom) -> Vec<(usize, usize)> {
    let mut sums = vec![(0usize, 0usize); dom.nodes.len()];
    let root = dom.root();
    if root == NONE {
        return sums;
    }
    // (node, shown, children done)
    let mut stack = vec![(root, true, false)];
    while let Some((node, shown, done)) = stack.pop() {
        if done {
            let parent = dom.nodes[node as usize].parent;
            if parent != NONE {
                let (c, w) = sums[node as usize];
                sums[parent as usize].0 += c;
                sums[parent as usize].1 += w;
            }
            continue;
        }
        match &dom.nodes[node as usize].data {
            Data::Text(text) => {
                if shown {
                    let (mut chars, mut words, mut in_word) = (0, 0, false);
                    for c in text.chars() {
                        if is_invisible(c) {
                            continue;
                        }
                        if is_space(c) {
                            in_word = false;
                        } else {
                            chars += 1;
                            if !in_word {
                                words += 1;
                                in_word = true;
                            }
                        }
                    }
                    sums[node as usize] = (chars, words);
                }
                stack.push((node, shown, true));
            }
            Data::Element(_) => {
                let tag = dom.tag(node);
                let shown =
                    shown && !matches!(tag, "script" | "style" | "head" | "noscript" | "template");
                stack.push((node, shown, true));
                for child in dom.children(node) {
                    stack.push((child, shown, false));
                }
            }
            _ => {}
        }
    }
    sums
}

/// `cleaner.decide.state.is_prose`: a sentence-ending paragraph of twelve words or more.
fn is_prose(text: &str, words: usize) -> bool {
    words >= PROSE_WORDS
        && text.ends_with(['.', '!', '?', '"', '\u{201d}', '\u{2019}', '\u{bb}', ')'])
        && !text.ends_with('\u{2026}')
        && !text.ends_with("...")
}

fn py_words(text: &str) -> usize {
    text.split(is_space).filter(|w| !w.is_empty()).count()
}

#[derive(Default)]
struct Builder {
    pieces: Vec<String>,
    link_chars: usize,
    kind: &'static str,
    path: Option<Rc<str>>,
    context: Option<Rc<Context>>,
    frame: Rc<Frame>,
    box_: usize,
    blocks: Vec<Block>,
    offset: usize,
    boxes: Vec<i64>,
    box_tags: Vec<String>,
    marks: Vec<Mark>,
    serial: usize,
    cells: usize,
    /// Words of shown, unmarked prose so far (`cleaner.segment.blocks._article_before`).
    article_words: usize,
    /// The marked elements (by `Block::marker`) that hold a block of prose.
    holding_prose: Vec<usize>,
}

impl Builder {
    fn add(&mut self, text: &str, state: &State) {
        if text.is_empty() {
            return;
        }
        let context = &state.context;
        if !self.pieces.is_empty() {
            if let Some(current) = &self.context {
                if (&current.reason, &current.rule, current.collapsed)
                    != (&context.reason, &context.rule, context.collapsed)
                {
                    self.flush();
                }
            }
        }
        if self.pieces.is_empty() {
            self.kind = state.kind;
            self.path = Some(state.path.clone());
            self.context = Some(context.clone());
            self.frame = state.frame.clone();
            self.box_ = state.box_;
        }
        self.pieces.push(text.to_string());
        if context.in_link {
            self.link_chars += py_strip(text).chars().count();
        }
    }

    fn flush(&mut self) {
        if self.pieces.is_empty() {
            self.marks.clear();
            return;
        }
        let pieces = std::mem::take(&mut self.pieces);
        let link_chars = std::mem::take(&mut self.link_chars);
        let marks = std::mem::take(&mut self.marks);
        let raw = pieces.concat();
        if raw.chars().all(is_py_space) {
            return;
        }
        let mut text = String::with_capacity(raw.len());
        for line in raw.split('\n') {
            let line = normalize_line(line);
            if !line.is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&line);
            }
        }
        if text.is_empty() {
            return;
        }
        let length = text.chars().count();
        let start = self.offset + if self.blocks.is_empty() { 0 } else { 2 };
        self.offset = start + length;
        let context = self
            .context
            .clone()
            .expect("a block's context is set with its first piece");
        let words = py_words(&text);
        let prose = is_prose(&text, words);
        if context.reason.is_none() && !context.collapsed && prose {
            self.article_words += words;
        }
        if let (Some(marker), true) = (context.marker, prose) {
            self.holding_prose.push(marker);
        }
        let inline = if !marks.is_empty() || self.kind == "pre" {
            Some((pieces, marks))
        } else {
            None
        };
        self.blocks.push(Block {
            link_density: (link_chars as f64 / length.max(1) as f64).min(1.0),
            text,
            start,
            end: self.offset,
            kind: self.kind,
            path: self.path.clone().unwrap_or_else(|| Rc::from("")),
            reason: context.reason.clone(),
            rule: context.rule.clone(),
            attrs: context.attrs.clone(),
            collapsed: context.collapsed,
            frame: self.frame.clone(),
            box_: self.box_,
            inline,
        });
    }
}

struct Walk<'a> {
    page: &'a Page,
    verdicts: &'a [Verdict],
    builder: Builder,
    marked: Vec<Marked>,
    total_chars: usize,
    open_hidden: bool,
}

impl Walk<'_> {
    fn run(&mut self, root: u32, noscript: bool) {
        let dom = &self.page.dom;
        self.builder.boxes.push(-1);
        self.builder.box_tags.push(String::new());
        let start = Rc::new(State {
            context: Rc::new(Context {
                reason: None,
                rule: None,
                in_link: false,
                attrs: Rc::new(Vec::new()),
                collapsed: false,
                marker: None,
            }),
            kind: "p",
            path: Rc::from(""),
            frame: Rc::new(Vec::new()),
            box_: 0,
            depth: 0,
        });
        let mut stack = vec![Item::Open(root, start)];
        while let Some(item) = stack.pop() {
            let (node, parent) = match item {
                Item::Close(block, mark) => {
                    if block {
                        self.builder.flush();
                    } else if let Some(mark) = mark {
                        let piece = self.builder.pieces.len();
                        self.builder.marks.push(Mark {
                            piece,
                            tag: mark,
                            opening: false,
                            href: None,
                        });
                    }
                    continue;
                }
                Item::Open(node, parent) => (node, parent),
            };
            match &dom.nodes[node as usize].data {
                Data::Text(text) => {
                    self.builder.add(text, &parent);
                    continue;
                }
                Data::Element(_) => {}
                _ => continue,
            }
            let tag = dom.tag(node);
            if skipped(tag, noscript) {
                continue;
            }
            if dom.nodes[node as usize].implied {
                // a tbody the parser added: its rows are the table's, as the markup wrote them
                for child in children_reversed(dom, node) {
                    stack.push(Item::Open(child, parent.clone()));
                }
                continue;
            }
            let context = self.mark(node, tag, &parent.context);
            let block = is_block(tag);
            let kind = own_kind(tag).unwrap_or(if block { "p" } else { parent.kind });
            // the path stops growing at MAX_DEPTH: a page's paths would otherwise take the square of its depth
            let path: Rc<str> = if parent.depth >= MAX_DEPTH {
                parent.path.clone()
            } else {
                Rc::from(format!("{}/{}", parent.path, tag))
            };
            let (mut frame, mut box_) = (parent.frame.clone(), parent.box_);
            if block {
                self.builder.flush();
                box_ = self.builder.boxes.len();
                self.builder.boxes.push(parent.box_ as i64);
                self.builder.box_tags.push(tag.to_string());
                if let Some(framed) = framed(tag) {
                    self.builder.serial += 1;
                    let mut extended = (*parent.frame).clone();
                    extended.push((framed, self.builder.serial, self.builder.cells));
                    frame = Rc::new(extended);
                    if framed == "td" || framed == "th" {
                        self.builder.cells += span(dom.get(node, "colspan"));
                    }
                }
            } else if let Some(mark) = inline_mark(tag) {
                let piece = self.builder.pieces.len();
                let href = if mark == "a" {
                    dom.get(node, "href").map(str::to_string)
                } else {
                    None
                };
                self.builder.marks.push(Mark {
                    piece,
                    tag: mark,
                    opening: true,
                    href,
                });
            }
            let state = Rc::new(State {
                context,
                kind,
                path,
                frame,
                box_,
                depth: parent.depth + 1,
            });
            if tag == "br" {
                self.builder.add("\n", &state);
            }
            stack.push(Item::Close(block, inline_mark(tag)));
            for child in children_reversed(dom, node) {
                stack.push(Item::Open(child, state.clone()));
            }
        }
    }

    /// The element's context: `cleaner.segment.blocks._mark`.
    fn mark(&mut self, node: u32, tag: &str, parent: &Rc<Context>) -> Rc<Context> {
        let dom = &self.page.dom;
        let key = self.page.key_of[node as usize] as usize;
        let link = parent.in_link || tag == "a";
        let has_attributes = dom.has_attributes(node);
        let (mut hidden, mut collapsed) = if has_attributes {
            visibility(dom, node)
        } else {
            (false, false)
        };
        if hidden && self.open_hidden {
            hidden = false;
            collapsed = true;
        }
        let own_tokens = &self.page.tokens[key];
        let attrs = if own_tokens.is_empty() {
            parent.attrs.clone()
        } else {
            let mut all: Vec<Rc<str>> = parent
                .attrs
                .iter()
                .chain(own_tokens.iter())
                .cloned()
                .collect();
            if all.len() > MAX_ATTRS {
                all.drain(..all.len() - MAX_ATTRS);
            }
            Rc::new(all)
        };
        let (reason, rule): (Option<Rc<str>>, Option<Rc<str>>) = if hidden {
            (Some(Rc::from("hidden")), Some(Rc::from("dom.hidden")))
        } else {
            match self.verdicts.get(key).cloned().flatten() {
                Some((reason, rule)) => (Some(reason), Some(rule)),
                None => (None, None),
            }
        };
        let own_collapse = collapsed && !parent.collapsed;
        let page_wide = never_marked(tag)
            || ((own_collapse || (reason.is_some() && parent.reason.is_none()))
                && self.too_big(node)
                && self.builder.article_words < ARTICLE_WORDS);
        let collapsed = parent.collapsed || (own_collapse && !page_wide);
        if parent.reason.is_some() {
            return Rc::new(Context {
                reason: reason.or_else(|| parent.reason.clone()),
                rule: rule.or_else(|| parent.rule.clone()),
                in_link: link,
                attrs,
                collapsed,
                marker: parent.marker,
            });
        }
        if reason.is_some() && !page_wide {
            self.marked.push(Marked {
                node,
                hidden: has_attributes && visibility(dom, node).0,
                holds_prose: false,
            });
            return Rc::new(Context {
                reason,
                rule,
                in_link: link,
                attrs,
                collapsed,
                marker: Some(self.marked.len() - 1),
            });
        }
        if link == parent.in_link
            && Rc::ptr_eq(&attrs, &parent.attrs)
            && collapsed == parent.collapsed
        {
            return parent.clone();
        }
        Rc::new(Context {
            reason: None,
            rule: None,
            in_link: link,
            attrs,
            collapsed,
            marker: None,
        })
    }

    /// A marker on an element holding most of the page is a page-wide class, not a banner.
    fn too_big(&self, node: u32) -> bool {
        self.total_chars >= PAGE_WIDE_MIN_CHARS
            && self.page.visible_chars(node) as f64 > self.total_chars as f64 * 0.5
    }
}

fn children_reversed(dom: &Dom, node: u32) -> Vec<u32> {
    let mut children: Vec<u32> = dom.children(node).collect();
    children.reverse();
    children
}

/// The columns a table cell spans.
fn span(colspan: Option<&str>) -> usize {
    // Python's int() of the attribute: decimal digits of any script (a superscript is a digit to
    // str.isdigit() but no number: one column)
    let Some(text) = colspan.filter(|s| !s.is_empty()) else {
        return 1;
    };
    let mut n: usize = 0;
    for c in text.chars() {
        let Some(digit) = decimal_value(c) else {
            return 1;
        };
        n = n.saturating_mul(10).saturating_add(digit);
    }
    if 0 < n && n < 100 {
        n
    } else {
        1
    }
}

/// The value of a decimal digit of any script (`re`'s `\d`): Unicode puts each script's digits in a run
/// from zero to nine, so the digit is the distance from its run's start, modulo ten.
fn decimal_value(c: char) -> Option<usize> {
    if c.is_ascii() {
        return c.to_digit(10).map(|d| d as usize);
    }
    let code = c as u32;
    DIGIT
        .iter()
        .find(|&&(lo, hi)| lo <= code && code <= hi)
        .map(|&(lo, _)| ((code - lo) % 10) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segmented(html: &str, marked_tags: &[&str]) -> (Page, Segmented) {
        let page = Page::parse(html, None).unwrap();
        let verdicts: Vec<Verdict> = page
            .keys
            .iter()
            .map(|(tag, _, _)| {
                marked_tags
                    .contains(&tag.as_str())
                    .then(|| (Rc::from("navigation"), Rc::from("tag.nav")))
            })
            .collect();
        let segmented = page.segment(&verdicts, false, false);
        (page, segmented)
    }

    #[test]
    fn blocks_follow_block_elements_and_keep_inline_text_together() {
        let (_, s) = segmented(
            "<h1>Title</h1><p>One <b>bold</b> <a href='/x'>link</a></p><ul><li>a</li></ul>",
            &[],
        );
        let texts: Vec<(&str, &str, &str)> = s
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.kind, &*b.path))
            .collect();
        assert_eq!(
            texts,
            [
                ("Title", "h", "/html/body/h1"),
                ("One bold link", "p", "/html/body/p"),
                ("a", "li", "/html/body/ul/li"),
            ]
        );
        let p = &s.blocks[1];
        assert_eq!((p.start, p.end), (7, 20));
        assert!((p.link_density - 4.0 / 13.0).abs() < 1e-12);
        let (_, marks) = p.inline.as_ref().unwrap();
        assert_eq!(
            marks[0],
            Mark {
                piece: 1,
                tag: "b",
                opening: true,
                href: None
            }
        );
        assert_eq!(marks[2].href.as_deref(), Some("/x"));
        assert_eq!(s.box_tags, ["", "html", "body", "h1", "p", "ul", "li"]);
        assert_eq!(s.boxes, [-1, 0, 1, 2, 2, 2, 5]);
    }

    #[test]
    fn a_marked_element_gives_its_reason_to_its_blocks_unless_it_holds_most_of_the_page() {
        let prose = "The council met on Monday and voted on the new budget for the coming year. "
            .repeat(10);
        let html =
            format!("<nav><p>Home</p></nav><div>{prose}</div><nav><p>{prose}{prose}</p></nav>");
        let (_, s) = segmented(&html, &["nav"]);
        assert_eq!(s.blocks[0].reason.as_deref(), Some("navigation"));
        assert_eq!(s.blocks[0].rule.as_deref(), Some("tag.nav"));
        assert_eq!(s.blocks[1].reason, None);
        // most of the page, but after an article's prose: a section of its own, still marked
        assert_eq!(s.blocks[2].reason.as_deref(), Some("navigation"));
        assert_eq!(s.marked.len(), 2);
        assert!(!s.marked[0].holds_prose && s.marked[1].holds_prose);
        let (_, wrapper) = segmented(&format!("<nav><p>{prose}</p></nav><p>Footer</p>"), &["nav"]);
        assert_eq!(wrapper.blocks[0].reason, None);
        assert!(wrapper.marked.is_empty());
    }

    #[test]
    fn hidden_elements_are_never_content_and_collapsed_ones_stay_open() {
        let html = "<div style='DISPLAY : None'>gone</div><div aria-hidden=true>gone too</div><div hidden>panel</div>";
        let (_, s) = segmented(html, &[]);
        let read: Vec<(Option<&str>, bool)> = s
            .blocks
            .iter()
            .map(|b| (b.reason.as_deref(), b.collapsed))
            .collect();
        assert_eq!(
            read,
            [
                (Some("hidden"), false),
                (Some("hidden"), false),
                (None, true)
            ]
        );
        assert!(s.marked.iter().all(|m| m.hidden));
    }

    #[test]
    fn attribute_keys_and_tokens_read_as_the_rules_expect() {
        let page = Page::parse(
            "<div class='Share_Bar top-1 x' id='how-to-share-a-long-post' role=Navigation aria-label='Site'>t</div>",
            None,
        )
        .unwrap();
        let key = page.keys.iter().find(|(tag, _, _)| tag == "div").unwrap();
        // an id of five words or more is a heading's anchor, not a name
        assert_eq!(
            key,
            &(
                "div".to_string(),
                "share_bar top-1 x navigation site".to_string(),
                "navigation".to_string()
            )
        );
        assert_eq!(
            attr_tokens(&key.1).iter().map(|t| &**t).collect::<Vec<_>>(),
            ["share", "bar", "top", "navigation", "site"]
        );
        assert!(
            is_heading_anchor("how-to-share-a-post")
                && !is_heading_anchor("share-bar")
                && !is_heading_anchor("a-b-c-d-5")
        );
        assert!(py_isdigit("\u{b2}3") && !py_isdigit("") && !py_isdigit("1a"));
        assert!(is_heading_anchor("how-to-share-a-post\n"));
        // colspan as Python's int() reads it: Arabic-Indic two is 2, a superscript no number
        assert_eq!(
            (
                span(Some("\u{662}")),
                span(Some("12")),
                span(Some("\u{b2}")),
                span(Some("100"))
            ),
            (2, 12, 1, 1)
        );
    }

    #[test]
    fn locators_count_elements_of_the_same_tag_class_and_id() {
        let (page, s) = segmented(
            "<nav class=a>1</nav><nav class=b>2</nav><nav class=a>3</nav>",
            &["nav"],
        );
        let nodes: Vec<u32> = s.marked.iter().map(|m| m.node).collect();
        let found = page.locators(&nodes).unwrap();
        assert_eq!(
            found[2],
            (
                "nav".to_string(),
                Some("a".to_string()),
                None,
                1,
                2,
                "3".to_string()
            )
        );
        assert_eq!((found[1].3, found[1].4), (0, 1));
        assert!(page.locators(&[u32::MAX]).is_none() && page.locators(&[0]).is_none());
    }

    #[test]
    fn deep_nesting_is_walked_without_recursion_and_still_marked_and_cut_at_blocks() {
        let html = "<div>".repeat(5000) + "<p>one</p><p>two</p>" + &"</div>".repeat(5000);
        let (_, s) = segmented(&html, &[]);
        assert_eq!(
            s.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>(),
            ["one", "two"]
        );
        assert!(s.blocks[0].path.matches('/').count() <= MAX_DEPTH as usize);
        let deep = "<div>".repeat(1500) + "<p>prose</p><div style='display:none'>Secret</div><nav>Home</nav><ul><li>item</li></ul>";
        let (_, s) = segmented(&deep, &["nav"]);
        let read: Vec<(&str, &str, Option<&str>)> = s
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.kind, b.reason.as_deref()))
            .collect();
        assert_eq!(
            read,
            [
                ("prose", "p", None),
                ("Secret", "p", Some("hidden")),
                ("Home", "p", Some("navigation")),
                ("item", "li", None)
            ]
        );
    }
}
