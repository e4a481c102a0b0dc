//! An HTML page parsed by html5ever (the WHATWG tree construction that browsers follow) into an arena.
//!
//! Nodes live in one `Vec` and point at each other by index, so nothing is reference counted, a page
//! of any depth is dropped without recursion, and every walk over it can be a loop. Comments and
//! processing instructions are never attached (their neighbouring text runs merge, as the text a
//! reader sees). A `<template>`'s content is kept as the element's children: the walks skip the
//! element, and counting elements in document order then matches a tree that keeps it inline.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;
use std::time::Instant;

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{local_name, ns, Attribute, LocalName, QualName, TokenizerResult};

/// No node: the end of a sibling chain, the parent of the document.
pub const NONE: u32 = u32::MAX;
/// Bytes of markup the parser takes between two looks at the deadline.
const CHUNK: usize = 1 << 16;
/// Elements open at once beyond which the markup's tags are left out (their text stays): the tree
/// builder scans its stack of open elements for many start tags, so deep nesting costs its square.
pub const MAX_NESTING: usize = 2000;

/// A node's content: `T` is the parser's text type while it builds, `String` once it is done (a
/// tendril may not move between threads; the finished page may).
pub enum Data<T = String> {
    Document,
    /// The name is in `Dom::names`; attributes by name, HTML's (no namespace) only.
    Element(Vec<(LocalName, T)>),
    Text(T),
    /// A comment, doctype or processing instruction: never attached.
    Other,
}

pub struct Node<T = String> {
    /// A `<tbody>` the parser added around a table's rows, which the markup did not write (HTML4
    /// parsers add none: segmentation reads through it, so that tag paths are the markup's).
    pub implied: bool,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next: u32,
    pub previous: u32,
    pub data: Data<T>,
}

/// A parsed page: node 0 is the document.
pub struct Dom<T = String> {
    pub nodes: Vec<Node<T>>,
    /// Each node's qualified name (an empty one for nodes that are not elements).
    pub names: Vec<QualName>,
}

impl Dom {
    /// Parse a page; None when `deadline` passed first. Attribute counts are bounded by the caller
    /// (`cleaner.segment.parse`), nesting here ([`bounded_depth`]).
    pub fn parse(text: &str, deadline: Option<Instant>) -> Option<Dom> {
        let sink = Sink {
            dom: RefCell::new(Dom {
                nodes: vec![Node::new(Data::Document)],
                names: vec![empty_name()],
            }),
            tbody_tag: Cell::new(false),
        };
        let text = bounded_depth(text);
        let builder = TreeBuilder::new(
            sink,
            TreeBuilderOpts {
                // <noscript> holds markup, as for a reader without scripts (and as the rules expect)
                scripting_enabled: false,
                drop_doctype: true,
                ..Default::default()
            },
        );
        let tokenizer = Tokenizer::new(Observer(builder), TokenizerOpts::default());
        let input = BufferQueue::default();
        // fed a chunk at a time, so that a page that takes too long stops at the deadline
        let mut rest: &str = &text;
        while !rest.is_empty() {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return None;
            }
            let mut cut = rest.len().min(CHUNK);
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            input.push_back(StrTendril::from_slice(&rest[..cut]));
            while let TokenizerResult::Script(_) = tokenizer.feed(&input) {}
            rest = &rest[cut..];
        }
        tokenizer.end();
        Some(tokenizer.sink.0.sink.finish())
    }

    /// The element's lower-case local name ("" for other nodes).
    pub fn tag(&self, node: u32) -> &str {
        &self.names[node as usize].local
    }

    pub fn is_element(&self, node: u32) -> bool {
        matches!(self.nodes[node as usize].data, Data::Element(_))
    }

    /// An attribute's value, as lxml's `element.get`.
    pub fn get(&self, node: u32, name: &str) -> Option<&str> {
        match &self.nodes[node as usize].data {
            Data::Element(attrs) => attrs.iter().find(|(n, _)| &**n == name).map(|(_, v)| &**v),
            _ => None,
        }
    }

    pub fn has_attributes(&self, node: u32) -> bool {
        matches!(&self.nodes[node as usize].data, Data::Element(attrs) if !attrs.is_empty())
    }

    /// The root element (`<html>`; html5ever always makes one).
    pub fn root(&self) -> u32 {
        let mut child = self.nodes[0].first_child;
        while child != NONE {
            if self.is_element(child) {
                return child;
            }
            child = self.nodes[child as usize].next;
        }
        NONE
    }

    /// The element children and text of `node`, in order.
    pub fn children(&self, node: u32) -> Children<'_> {
        Children {
            dom: self,
            next: self.nodes[node as usize].first_child,
        }
    }
}

pub struct Children<'a> {
    dom: &'a Dom,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let node = self.next;
        self.next = self.dom.nodes[node as usize].next;
        Some(node)
    }
}

impl<T> Node<T> {
    fn new(data: Data<T>) -> Node<T> {
        Node {
            implied: false,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
            previous: NONE,
            data,
        }
    }
}

/// The markup with the start and end tags nested deeper than [`MAX_NESTING`] left out, when it nests
/// that deep (borrowed as it is otherwise).
///
/// Nesting is counted on the tags as written: void elements, and those an HTML parser closes
/// without an end tag (`<p>`, `<li>`, `<td>`...), do not count; comments and the raw text of
/// script, style and the like are passed over. A dropped start tag drops the next end tag of its name.
pub fn bounded_depth(text: &str) -> Cow<'_, str> {
    if scan(text, None) <= MAX_NESTING {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    scan(text, Some(&mut out));
    Cow::Owned(out)
}

/// The deepest nesting of `text`'s tags; with `out`, the text without the tags beyond MAX_NESTING.
///
/// A stack of the open elements' names, as a parser keeps one, simplified: an end tag closes the
/// innermost open element of its name and every element inside it (a stray one closes nothing); a
/// `/>` closes only inside `<svg>` or `<math>` (HTML ignores it elsewhere); `<rb>`, `<rt>`, `<rp>` and
/// `<rtc>` close themselves only inside `<ruby>`. Linear: each name is pushed and popped once.
fn scan(text: &str, mut out: Option<&mut String>) -> usize {
    let bytes = text.as_bytes();
    let (mut deepest, mut copied, mut i) = (0usize, 0usize, 0usize);
    let mut stack: Vec<String> = Vec::new();
    let mut open: HashMap<String, usize> = HashMap::new();
    let mut dropped: HashMap<String, usize> = HashMap::new();
    let mut ends = EndTags::default();
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + at;
        i = start + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find(bytes, i + 3, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let mut name_end = name_start;
        while name_end < bytes.len()
            && (bytes[name_end].is_ascii_alphanumeric()
                || matches!(bytes[name_end], b'-' | b':' | b'_'))
        {
            name_end += 1;
        }
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let Some(end) = bytes[name_end..]
            .iter()
            .position(|&b| b == b'>' || b == b'<')
        else {
            break;
        };
        let end = name_end + end;
        if bytes[end] == b'<' {
            continue;
        }
        let name = text[name_start..name_end].to_ascii_lowercase();
        i = end + 1;
        if !closing && is_raw_text(&name) {
            // passed over with its end tag: it holds no elements
            i = ends.find(bytes, i, &name).map_or(bytes.len(), |e| {
                bytes[e..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(bytes.len(), |g| e + g + 1)
            });
            continue;
        }
        let foreign =
            open.get("svg").copied().unwrap_or(0) + open.get("math").copied().unwrap_or(0) > 0;
        let in_ruby = open.get("ruby").copied().unwrap_or(0) > 0;
        let self_closing = bytes[end - 1] == b'/' && foreign;
        let ruby_part = matches!(name.as_str(), "rb" | "rt" | "rp" | "rtc");
        if self_closing || is_void(&name) || ((in_ruby || !ruby_part) && closes_itself(&name)) {
            continue;
        }
        let drop = if closing {
            match dropped.get_mut(&name) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    true
                }
                _ => {
                    if open.get(&name).copied().unwrap_or(0) > 0 {
                        while let Some(top) = stack.pop() {
                            let count = open
                                .get_mut(&top)
                                .expect("every name on the stack is counted");
                            *count -= 1;
                            if top == name {
                                break;
                            }
                        }
                    }
                    false
                }
            }
        } else if stack.len() >= MAX_NESTING {
            *dropped.entry(name).or_insert(0) += 1;
            true
        } else {
            *open.entry(name.clone()).or_insert(0) += 1;
            stack.push(name);
            deepest = deepest.max(stack.len());
            false
        };
        if drop {
            deepest = deepest.max(stack.len() + 1);
            if let Some(out) = out.as_deref_mut() {
                out.push_str(&text[copied..start]);
                copied = i;
            }
        }
    }
    if let Some(out) = out {
        out.push_str(&text[copied..]);
    }
    deepest
}

/// Where the next `</name` is, remembering where none is left: a page of unclosed `<script>` tags
/// would otherwise search to its end once for each.
#[derive(Default)]
struct EndTags {
    /// For a name: from this position on, the text holds no `</name`.
    none_after: HashMap<String, usize>,
}

impl EndTags {
    fn find(&mut self, bytes: &[u8], from: usize, name: &str) -> Option<usize> {
        if self.none_after.get(name).is_some_and(|&p| from >= p) {
            return None;
        }
        let found = find_end_tag(bytes, from, name.as_bytes());
        if found.is_none() {
            self.none_after.insert(name.to_string(), from);
        }
        found
    }
}

/// Words of the markup outside its tags, comments, and script, style, noscript and template elements,
/// read off the markup itself: what any parser's tree should hold about as much of. Entities count as
/// written; white space is Python's.
pub fn markup_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut ends = EndTags::default();
    let (mut words, mut i, mut from) = (0usize, 0usize, 0usize);
    let count = |piece: &str| {
        piece
            .split(crate::features::is_space)
            .filter(|w| !w.is_empty())
            .count()
    };
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + at;
        let next = bytes.get(start + 1).copied().unwrap_or(0);
        if !(next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?')) {
            i = start + 1;
            continue;
        }
        // the text before it ends at a tag: words never run across one
        words += count(&text[from..start]);
        let end = if bytes[start..].starts_with(b"<!--") {
            find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3)
        } else {
            let close = bytes[start..]
                .iter()
                .position(|&b| b == b'>')
                .map_or(bytes.len(), |e| start + e + 1);
            let name: String = text[start + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(name.as_str(), "script" | "style" | "noscript" | "template") {
                ends.find(bytes, close, &name).map_or(close, |e| {
                    bytes[e..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map_or(bytes.len(), |g| e + g + 1)
                })
            } else {
                close
            }
        };
        i = end.max(start + 1);
        from = i;
    }
    words + count(&text[from.min(text.len())..])
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > bytes.len() {
        return None;
    }
    bytes[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| from + at)
}

/// Where `</name` starts at or after `from`, ASCII case ignored.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(at) = find(bytes, i, b"</") {
        let tail = &bytes[at + 2..];
        if tail.len() >= name.len() && tail[..name.len()].eq_ignore_ascii_case(name) {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "basefont"
            | "bgsound"
            | "frame"
            | "keygen"
    )
}

/// Elements whose end tag a parser may imply: written without it, they do not nest.
fn closes_itself(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "option"
            | "optgroup"
            | "colgroup"
            | "caption"
            | "rb"
            | "rt"
            | "rp"
            | "rtc"
            | "html"
            | "head"
            | "body"
    )
}

fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes"
    )
}

fn empty_name() -> QualName {
    QualName::new(None, ns!(), LocalName::from(""))
}

struct Sink {
    dom: RefCell<Dom<StrTendril>>,
    /// The token the tree builder is at is a `<tbody>` start tag (set by [`Observer`]).
    tbody_tag: Cell<bool>,
}

/// The tree builder, told first which token it is given: the sink then knows a `<tbody>` the markup
/// wrote from one the tree builder adds.
struct Observer(TreeBuilder<u32, Sink>);

impl TokenSink for Observer {
    type Handle = u32;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<u32> {
        let tbody = matches!(&token, TagToken(tag) if tag.kind == StartTag && tag.name == local_name!("tbody"));
        self.0.sink.tbody_tag.set(tbody);
        self.0.process_token(token, line_number)
    }

    fn end(&self) {
        self.0.end()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.0
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

impl Sink {
    fn add(&self, data: Data<StrTendril>, name: QualName) -> u32 {
        let mut dom = self.dom.borrow_mut();
        dom.nodes.push(Node::new(data));
        dom.names.push(name);
        (dom.nodes.len() - 1) as u32
    }

    /// The text node to extend, or the node to attach: comments are not attached at all.
    fn child_node(&self, child: NodeOrText<u32>, previous: u32) -> Option<u32> {
        match child {
            NodeOrText::AppendText(text) => {
                let mut dom = self.dom.borrow_mut();
                if previous != NONE {
                    if let Data::Text(existing) = &mut dom.nodes[previous as usize].data {
                        existing.push_tendril(&text);
                        return None;
                    }
                }
                dom.nodes.push(Node::new(Data::Text(text)));
                dom.names.push(empty_name());
                Some((dom.nodes.len() - 1) as u32)
            }
            NodeOrText::AppendNode(node) => {
                let dom = self.dom.borrow();
                match dom.nodes[node as usize].data {
                    Data::Other => None,
                    _ => Some(node),
                }
            }
        }
    }
}

impl<T> Dom<T> {
    fn detach(&mut self, node: u32) {
        let (parent, previous, next) = {
            let n = &mut self.nodes[node as usize];
            let links = (n.parent, n.previous, n.next);
            n.parent = NONE;
            n.previous = NONE;
            n.next = NONE;
            links
        };
        if next != NONE {
            self.nodes[next as usize].previous = previous;
        } else if parent != NONE {
            self.nodes[parent as usize].last_child = previous;
        }
        if previous != NONE {
            self.nodes[previous as usize].next = next;
        } else if parent != NONE {
            self.nodes[parent as usize].first_child = next;
        }
    }

    fn append(&mut self, parent: u32, child: u32) {
        self.detach(child);
        let last = self.nodes[parent as usize].last_child;
        self.nodes[child as usize].parent = parent;
        self.nodes[child as usize].previous = last;
        if last != NONE {
            self.nodes[last as usize].next = child;
        } else {
            self.nodes[parent as usize].first_child = child;
        }
        self.nodes[parent as usize].last_child = child;
    }

    fn insert_before(&mut self, sibling: u32, child: u32) {
        self.detach(child);
        let parent = self.nodes[sibling as usize].parent;
        let previous = self.nodes[sibling as usize].previous;
        {
            let c = &mut self.nodes[child as usize];
            c.parent = parent;
            c.next = sibling;
            c.previous = previous;
        }
        self.nodes[sibling as usize].previous = child;
        if previous != NONE {
            self.nodes[previous as usize].next = child;
        } else if parent != NONE {
            self.nodes[parent as usize].first_child = child;
        }
    }
}

impl TreeSink for Sink {
    type Handle = u32;
    type Output = Dom;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Dom {
        let built = self.dom.into_inner();
        let nodes = built
            .nodes
            .into_iter()
            .map(|node| Node {
                implied: node.implied,
                parent: node.parent,
                first_child: node.first_child,
                last_child: node.last_child,
                next: node.next,
                previous: node.previous,
                data: match node.data {
                    Data::Document => Data::Document,
                    Data::Element(attrs) => Data::Element(
                        attrs
                            .into_iter()
                            .map(|(n, v)| (n, String::from(v)))
                            .collect(),
                    ),
                    Data::Text(text) => Data::Text(String::from(text)),
                    Data::Other => Data::Other,
                },
            })
            .collect();
        Dom {
            nodes,
            names: built.names,
        }
    }

    fn parse_error(&self, _message: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.dom.borrow(), |dom| &dom.names[*target as usize])
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> u32 {
        let attrs = attrs
            .into_iter()
            .filter(|a| a.name.ns == ns!())
            .map(|a| (a.name.local, a.value))
            .collect();
        let implied = name.local == local_name!("tbody") && !self.tbody_tag.get();
        let node = self.add(Data::Element(attrs), name);
        self.dom.borrow_mut().nodes[node as usize].implied = implied;
        node
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.add(Data::Other, empty_name())
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.add(Data::Other, empty_name())
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        let previous = self.dom.borrow().nodes[*parent as usize].last_child;
        if let Some(node) = self.child_node(child, previous) {
            self.dom.borrow_mut().append(*parent, node);
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &u32,
        prev_element: &u32,
        child: NodeOrText<u32>,
    ) {
        let has_parent = self.dom.borrow().nodes[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        _name: StrTendril,
        _public_id: StrTendril,
        _system_id: StrTendril,
    ) {
    }

    fn get_template_contents(&self, target: &u32) -> u32 {
        *target // the content stays inline, as children of the element (see the module's notes)
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, child: NodeOrText<u32>) {
        let previous = self.dom.borrow().nodes[*sibling as usize].previous;
        if let Some(node) = self.child_node(child, previous) {
            self.dom.borrow_mut().insert_before(*sibling, node);
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        let mut dom = self.dom.borrow_mut();
        if let Data::Element(existing) = &mut dom.nodes[*target as usize].data {
            for attr in attrs {
                if attr.name.ns == ns!() && !existing.iter().any(|(n, _)| *n == attr.name.local) {
                    existing.push((attr.name.local, attr.value));
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &u32) {
        self.dom.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let mut dom = self.dom.borrow_mut();
        let mut child = dom.nodes[*node as usize].first_child;
        while child != NONE {
            let next = dom.nodes[child as usize].next;
            dom.append(*new_parent, child);
            child = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(dom: &Dom, node: u32, out: &mut String) {
        // tests only: pages here are shallow
        match &dom.nodes[node as usize].data {
            Data::Text(t) => out.push_str(t),
            Data::Element(_) => {
                out.push('<');
                out.push_str(dom.tag(node));
                out.push('>');
                for child in dom.children(node) {
                    outline(dom, child, out);
                }
                out.push_str("</>");
            }
            _ => {}
        }
    }

    fn parsed(html: &str) -> String {
        let dom = Dom::parse(html, None).unwrap();
        let mut out = String::new();
        outline(&dom, dom.root(), &mut out);
        out
    }

    #[test]
    fn builds_the_tree_a_browser_builds() {
        assert_eq!(
            parsed("<p>one<p>two<!-- c -->three<table><tr><td>x</table>"),
            // no doctype: quirks mode, where a table does not close the paragraph
            "<html><head></><body><p>one</><p>twothree<table><tbody><tr><td>x</></></></></></></>"
        );
        // misnested inline markup is repaired by the adoption agency
        assert_eq!(
            parsed("<b>1<i>2</b>3</i>"),
            "<html><head></><body><b>1<i>2</></><i>3</></></>"
        );
    }

    #[test]
    fn a_tbody_the_markup_did_not_write_is_implied() {
        let dom = Dom::parse(
            "<table><tr><td>a</table><table><tbody><tr><td>b</table>",
            None,
        )
        .unwrap();
        let tbodies: Vec<bool> = (0..dom.nodes.len() as u32)
            .filter(|&n| dom.tag(n) == "tbody")
            .map(|n| dom.nodes[n as usize].implied)
            .collect();
        assert_eq!(tbodies, [true, false]);
    }

    #[test]
    fn keeps_noscript_and_template_content_as_markup() {
        assert_eq!(
            parsed("<noscript><p>a</p></noscript><template><p>b</p></template>"),
            "<html><head><noscript></></><body><p>a</><template><p>b</></></></>"
        );
    }

    #[test]
    fn attributes_first_one_wins() {
        let dom = Dom::parse("<div class=a class=b id=x>t</div>", None).unwrap();
        let body = dom.children(dom.root()).nth(1).unwrap();
        let div = dom.children(body).next().unwrap();
        assert_eq!(dom.get(div, "class"), Some("a"));
        assert_eq!(dom.get(div, "id"), Some("x"));
        assert_eq!(dom.get(div, "style"), None);
    }

    #[test]
    fn deep_markup_is_flattened_and_keeps_its_text() {
        let html = "<div>x".repeat(100_000) + &"</div>".repeat(100_000);
        let dom = Dom::parse(&html, None).unwrap();
        let text: usize = dom
            .nodes
            .iter()
            .filter(|n| matches!(&n.data, Data::Text(t) if t == "x"))
            .count();
        let divs = (0..dom.nodes.len() as u32)
            .filter(|&n| dom.tag(n) == "div")
            .count();
        assert_eq!(divs, MAX_NESTING);
        assert!(text >= 1);
        assert_eq!(bounded_depth(&html).matches('x').count(), 100_000);
    }

    #[test]
    fn markup_within_the_bound_is_left_as_it_is() {
        let html = "<p>a<li>b<script>'<div>'.repeat(5000)</script><!-- <div> -->".repeat(3000);
        assert!(matches!(bounded_depth(&html), Cow::Borrowed(_)));
        let nested = "<div>".repeat(MAX_NESTING + 1) + "x" + &"</div>".repeat(MAX_NESTING + 1);
        let bounded = bounded_depth(&nested);
        assert_eq!(bounded.matches("<div>").count(), MAX_NESTING);
        assert_eq!(bounded.matches("</div>").count(), MAX_NESTING);
    }

    #[test]
    fn nesting_is_counted_as_a_parser_nests() {
        // a raw-text element's end tag closes nothing else; a stray end tag closes nothing
        assert_eq!(scan(&"<div><script></script>x ".repeat(1500), None), 1500);
        assert_eq!(scan(&"</b><div>".repeat(1500), None), 1500);
        // HTML ignores "/>" on a div, and <rb> nests outside <ruby>
        assert_eq!(scan(&"<div/>x ".repeat(1500), None), 1500);
        assert_eq!(scan(&"<rb>x ".repeat(1500), None), 1500);
        assert_eq!(scan(&"<ruby>a<rt>b</ruby>".repeat(3000), None), 1);
        // inside <svg>, "/>" closes; an end tag closes the elements inside its element
        assert_eq!(
            scan(
                &("<svg>".to_string() + &"<path d='M0'/>".repeat(5000) + "</svg>"),
                None
            ),
            1
        );
        assert_eq!(
            scan(&"<section><div><span>x</section>".repeat(3000), None),
            3
        );
        assert!(matches!(
            bounded_depth(&"<div><script></script>x ".repeat(3000)),
            Cow::Owned(_)
        ));
    }

    #[test]
    fn unclosed_raw_text_elements_are_searched_to_the_end_once() {
        let page = "<script>x ".repeat(200_000) + &"<noscript>y ".repeat(200_000);
        let started = Instant::now();
        // an element that never ends is only its tag: the text after it counts
        assert_eq!(markup_words(&page), 400_000);
        assert!(matches!(bounded_depth(&page), Cow::Borrowed(_)));
        // linear: quadratic searches took minutes here
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn markup_words_leave_out_tags_comments_and_scripts() {
        assert_eq!(
            markup_words("<p>one two</p><!-- three --><script>four</script>five<b>six</b> seven"),
            5
        );
        // an element that never ends is only its tag
        assert_eq!(markup_words("a < b and <style>x{}"), 5);
        assert_eq!(markup_words("<title>Title</titlevalue> words here"), 3);
    }

    #[test]
    fn a_passed_deadline_stops_the_parse() {
        assert!(Dom::parse("<p>text</p>", Some(Instant::now())).is_none());
    }
}
