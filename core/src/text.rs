//! The text-mode line pipeline's first two steps: normalization and segmentation into lines.
//!
//! Every function here is pure Rust (no Python object), so that the bindings in `lib.rs` can run it
//! with the GIL released. Offsets are counted in characters (Unicode code points), as Python's `str`
//! indexes, never in UTF-8 bytes. Each character class below is the one the Python implementation
//! used, spelled out: Rust's own notions (`char::is_whitespace`, `str::trim`) differ from Python's.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Unicode spaces that render as a plain space (collapsed to one `' '`).
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\x0b' | '\x0c' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Zero-width characters, the soft hyphen and NUL: they render as nothing and are removed.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\0')
}

/// Python's `str.isspace()`: what `str.strip()`, `str.split()` and the regex class `\s` remove or match.
pub fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..=' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Python's `str.strip()` with no argument.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Line ends other than LF (`\r\n`, `\r`, U+2028, U+2029, U+0085) as LF.
fn unify_newlines(text: &str) -> Cow<'_, str> {
    if !text.contains(['\r', '\u{2028}', '\u{2029}', '\u{85}']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn nfc(text: &str) -> Cow<'_, str> {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// Invisible characters removed and every run of spaces as one plain space; line ends untouched.
fn collapse_spaces(text: &str) -> Cow<'_, str> {
    let unusual = |c: char| (c != ' ' && is_space(c)) || is_invisible(c);
    if !text.contains(unusual) && !text.contains("  ") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue; // removed before the spaces collapse: it never splits a run
        }
        if is_space(c) {
            if !in_run {
                out.push(' ');
                in_run = true;
            }
        } else {
            out.push(c);
            in_run = false;
        }
    }
    Cow::Owned(out)
}

/// One line's spaces collapsed, invisible characters removed, trimmed (`cleaner.segment.normalize.normalize_line`).
pub fn normalize_line(line: &str) -> String {
    py_strip(&collapse_spaces(line)).to_string()
}

/// NFC, LF line ends, one space between words, trimmed lines; blank lines are kept.
///
/// `indent` keeps each line's indentation beyond what all its lines share (a tab to the next
/// multiple of four columns).
pub fn normalize_text(text: &str, indent: bool) -> String {
    let unified = unify_newlines(text);
    let original = nfc(&unified);
    let normalized = collapse_spaces(&original);
    if indent && has_indented_line(&original) {
        return indented(&original, &normalized);
    }
    let mut out = String::with_capacity(normalized.len());
    for (i, line) in normalized.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(py_strip(line));
    }
    out.trim_matches('\n').to_string()
}

/// A line that starts with spaces or tabs followed by a character that is not white space.
fn has_indented_line(text: &str) -> bool {
    text.split('\n').any(|line| {
        let rest = line.trim_start_matches([' ', '\t']);
        rest.len() < line.len() && rest.chars().next().is_some_and(|c| !is_py_space(c))
    })
}

/// The columns that a line's leading spaces and tabs fill, a tab reaching the next multiple of four.
fn indent_width(line: &str) -> usize {
    let mut column = 0;
    for c in line.chars() {
        match c {
            ' ' => column += 1,
            '\t' => column += 4 - column % 4,
            _ => break,
        }
    }
    column
}

/// `normalized`'s lines with the indentation `original`'s lines have beyond their common one (both
/// have the same line ends: normalization never adds or removes one).
fn indented(original: &str, normalized: &str) -> String {
    let lines: Vec<(usize, &str)> = original
        .split('\n')
        .zip(normalized.split('\n'))
        .map(|(raw, line)| (indent_width(raw), py_strip(line)))
        .collect();
    let common = lines
        .iter()
        .filter(|(_, line)| !line.is_empty())
        .map(|(width, _)| *width)
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(normalized.len());
    for (i, (width, line)) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.is_empty() {
            out.extend(std::iter::repeat_n(' ', width - common));
            out.push_str(line);
        }
    }
    out.trim_matches('\n').to_string()
}

/// All white space, line ends included, as single spaces, invisible characters removed, trimmed.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if is_py_space(c) {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// What a block of text is: a line (or lines joined) or a Markdown table row's cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Line,
    Cell,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Line => "line",
            Kind::Cell => "cell",
        }
    }
}

/// One block: its span in characters and in bytes of the text, its kind and collapsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextBlock {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub text: String,
}

struct Span {
    start: usize,
    end: usize,
    byte_start: usize,
    byte_end: usize,
    kind: Kind,
}

/// One block per line; a hard-wrapped line that continues a sentence joins the line before it.
///
/// A Markdown table row is a "cell" block without its outer pipes; a line that starts with spaces
/// (kept by `normalize_text`'s `indent`) starts at its text.
pub fn segment_text(text: &str) -> Vec<TextBlock> {
    let mut spans: Vec<Span> = Vec::new();
    let (mut offset, mut byte_offset) = (0, 0);
    let mut previous_blank = true;
    for raw in text.split('\n') {
        let length = raw.chars().count();
        let (mut start, end) = (offset, offset + length);
        let (mut byte_start, byte_end) = (byte_offset, byte_offset + raw.len());
        offset = end + 1;
        byte_offset = byte_end + 1;
        if raw.is_empty() {
            previous_blank = true;
            continue;
        }
        let line = raw.trim_start_matches(' ');
        start += raw.len() - line.len(); // spaces: one byte per character
        byte_start += raw.len() - line.len();
        if is_table_row(line) {
            let inner = line.trim_matches(['|', ' ']);
            if !inner.trim_matches(['-', ':', '|', ' ']).is_empty() {
                let lead = line.len() - line.trim_start_matches(['|', ' ']).len();
                let first = start + lead;
                spans.push(Span {
                    start: first,
                    end: first + inner.chars().count(),
                    byte_start: byte_start + lead,
                    byte_end: byte_start + lead + inner.len(),
                    kind: Kind::Cell,
                });
            }
            previous_blank = false;
            continue;
        }
        match spans.last_mut() {
            Some(last) if !previous_blank && continues(text, last, line) => {
                last.end = end;
                last.byte_end = byte_end;
            }
            _ => spans.push(Span {
                start,
                end,
                byte_start,
                byte_end,
                kind: Kind::Line,
            }),
        }
        previous_blank = false;
    }
    spans
        .into_iter()
        .map(|span| TextBlock {
            start: span.start,
            end: span.end,
            kind: span.kind,
            text: collapse(&text[span.byte_start..span.byte_end]),
        })
        .collect()
}

/// `^\|.*\|$`: a line (it holds no LF) that starts and ends with a pipe, two of them at least.
fn is_table_row(line: &str) -> bool {
    line.len() >= 2 && line.starts_with('|') && line.ends_with('|')
}

/// `[.!?:;…"”’»)\]]$`: Python's `$` also matches before a final LF.
fn ends_a_sentence(text: &str) -> bool {
    let terminal = |c: char| ".!?:;…\"”’»)]".contains(c);
    let mut last = text.chars().rev();
    match last.next() {
        Some('\n') => last.next().is_some_and(terminal),
        Some(c) => terminal(c),
        None => false,
    }
}

/// The line continues the sentence of the block before it: that block is no shorter than 40
/// characters and ends without a sentence's end, and the line starts with a lowercase letter
/// (Python's `str.islower()` on one character: the Unicode Lowercase property).
fn continues(text: &str, previous: &Span, line: &str) -> bool {
    previous.end - previous.start >= 40
        && !ends_a_sentence(&text[previous.byte_start..previous.byte_end])
        && line.chars().next().is_some_and(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(usize, usize, &'static str, String)> {
        segment_text(text)
            .into_iter()
            .map(|b| (b.start, b.end, b.kind.name(), b.text))
            .collect()
    }

    #[test]
    fn normalizes_line_ends_spaces_and_composition() {
        let text = "  Caf\u{65}\u{301}\u{a0}\u{a0}au\u{200b}lait \r\n\r\n\u{2028}next\tline  ";
        assert_eq!(
            normalize_text(text, false),
            "Caf\u{e9} aulait\n\n\nnext line"
        );
    }

    #[test]
    fn indentation_beyond_the_common_one_is_kept() {
        let text = "\n    def f():\n\treturn  1\n\n    end\n";
        assert_eq!(normalize_text(text, true), "def f():\nreturn 1\n\nend");
        let text = "  a\n      b\n\t\tc";
        assert_eq!(normalize_text(text, true), "a\n    b\n      c");
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "é\u{1F600}\n\n| ü | x |\nplain";
        assert_eq!(
            blocks(text),
            vec![
                (0, 2, "line", "é\u{1F600}".to_string()),
                (6, 11, "cell", "ü | x".to_string()),
                (14, 19, "line", "plain".to_string()),
            ]
        );
    }

    #[test]
    fn a_hard_wrapped_line_joins_the_one_before() {
        let first = "The committee met on Tuesday to discuss the proposal, which";
        let text = format!("{first}\nwould change it.\n\nNext.");
        let found = blocks(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].3, format!("{first} would change it."));
        assert_eq!(found[1].0, text.chars().count() - 5);
    }

    #[test]
    fn an_indented_line_starts_at_its_text_and_may_continue() {
        let text = format!("{}\n  and on\n\n   | a |", "x".repeat(40));
        assert_eq!(
            blocks(&text),
            vec![
                (0, 49, "line", format!("{} and on", "x".repeat(40))),
                (56, 57, "cell", "a".to_string()),
            ]
        );
    }

    #[test]
    fn python_white_space_is_not_rust_white_space() {
        assert!(is_py_space('\x1c') && !is_py_space('\u{200b}') && !is_py_space('\u{180e}'));
        assert_eq!(collapse("\x1fa\u{ad}b \u{2028} c\u{3000}"), "ab c");
    }
}
