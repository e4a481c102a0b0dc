//! `normalize_text` (both `indent` values) and `segment_text` on any bytes, read as UTF-8 (lossy),
//! checked against the Python implementation they replaced (`tests/test_core_equivalence.py`),
//! written again here over characters, as Python indexes a `str`: the same output and the same
//! character offsets, each within the text, as `cleaner.segment` slices it with them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use unicode_normalization::UnicodeNormalization;

#[allow(dead_code)]
#[path = "../../src/text.rs"]
mod text;

/// `str.isspace()`, the reference's `str.split()`, `str.strip()` and `\s`.
fn is_space(c: char) -> bool {
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

/// `_INVISIBLE`
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\0')
}

/// `_SPACES` (one character of it)
fn is_collapsed_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\x0c' | '\x0b' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// `_UNUSUAL` (one character of it)
fn is_unusual(c: char) -> bool {
    matches!(
        c,
        '\t' | '\x0c' | '\x0b' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200b}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{2060}'
                | '\u{feff}'
                | '\u{ad}'
                | '\0'
    )
}

fn strip(chars: &[char]) -> &[char] {
    let start = chars
        .iter()
        .position(|&c| !is_space(c))
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(start, |i| i + 1);
    &chars[start..end]
}

/// `"\n".join(lines).strip("\n")`
fn join_lines(lines: Vec<Vec<char>>) -> String {
    let joined: String = lines
        .into_iter()
        .map(|line| line.into_iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    joined.trim_matches('\n').to_string()
}

fn reference_normalize_text(text: &str, indent: bool) -> String {
    // `_NEWLINES`: \r\n?|[\u2028\u2029\x85]
    let mut unified = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                unified.push('\n');
            }
            '\u{2028}' | '\u{2029}' | '\u{85}' => unified.push('\n'),
            _ => unified.push(c),
        }
    }
    let original: Vec<char> = unified.nfc().collect();
    let mut normalized: Vec<char> = Vec::new();
    if original.iter().any(|&c| is_unusual(c)) {
        for &c in original.iter().filter(|&&c| !is_invisible(c)) {
            if is_collapsed_space(c) {
                // every space of the input is one of these: a space before is this run's
                if normalized.last() != Some(&' ') {
                    normalized.push(' ');
                }
            } else {
                normalized.push(c);
            }
        }
    } else {
        for &c in &original {
            if !(c == ' ' && normalized.last() == Some(&' ')) {
                normalized.push(c);
            }
        }
    }
    let lines: Vec<&[char]> = normalized.split(|&c| c == '\n').collect();
    // `(?m)^[ \t]+\S`
    let indented = original.split(|&c| c == '\n').any(|line| {
        let n = line.iter().take_while(|&&c| c == ' ' || c == '\t').count();
        n > 0 && line.get(n).is_some_and(|&c| !is_space(c))
    });
    if indent && indented {
        let raws: Vec<&[char]> = original.split(|&c| c == '\n').collect();
        assert_eq!(raws.len(), lines.len());
        // len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip(" \t")), for a line not blank
        let widths: Vec<Option<usize>> = raws
            .iter()
            .zip(&lines)
            .map(|(raw, line)| {
                (!strip(line).is_empty()).then(|| {
                    let mut column = 0;
                    for &c in raw.iter() {
                        match c {
                            ' ' => column += 1,
                            '\t' => column += 4 - column % 4,
                            _ => break,
                        }
                    }
                    column
                })
            })
            .collect();
        let common = widths.iter().flatten().copied().min().unwrap_or(0);
        let out = widths
            .iter()
            .zip(&lines)
            .map(|(width, line)| match width {
                Some(w) => {
                    let mut out = vec![' '; w - common];
                    out.extend_from_slice(strip(line));
                    out
                }
                None => Vec::new(),
            })
            .collect();
        return join_lines(out);
    }
    join_lines(lines.iter().map(|line| strip(line).to_vec()).collect())
}

fn collapse(chars: &[char]) -> String {
    let visible: Vec<char> = chars
        .iter()
        .copied()
        .filter(|&c| !is_invisible(c))
        .collect();
    visible
        .split(|&c| is_space(c))
        .filter(|word| !word.is_empty())
        .map(|word| word.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `[.!?:;…"”’»)\]]$`, `$` also before a final line end
fn terminal(chars: &[char]) -> bool {
    let end = |c: &char| ".!?:;…\"”’»)]".contains(*c);
    match chars {
        [.., c, '\n'] => end(c),
        [.., c] => end(c),
        [] => false,
    }
}

fn reference_segment_text(text: &str) -> Vec<(usize, usize, &'static str, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut blocks: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut offset = 0;
    let mut previous_blank = true;
    for line in chars.split(|&c| c == '\n') {
        let (mut start, end) = (offset, offset + line.len());
        offset = end + 1;
        if line.is_empty() {
            previous_blank = true;
            continue;
        }
        let lead = line.iter().take_while(|&&c| c == ' ').count();
        start += lead;
        let line = &line[lead..];
        // `^\|.*\|$` (the line holds no line end)
        if line.len() >= 2 && line[0] == '|' && line[line.len() - 1] == '|' {
            let outer = |c: &char| *c == '|' || *c == ' ';
            let first = line.iter().position(|c| !outer(c)).unwrap_or(line.len());
            let last = line
                .iter()
                .rposition(|c| !outer(c))
                .map_or(first, |i| i + 1);
            let inner = &line[first..last];
            if inner.iter().any(|&c| !"-:| ".contains(c)) {
                blocks.push((start + first, start + last, "cell"));
            }
            previous_blank = false;
            continue;
        }
        let continues = blocks.last().is_some_and(|&(s, e, _)| {
            !terminal(&chars[s..e]) && line.first().is_some_and(|c| c.is_lowercase()) && e - s >= 40
        });
        if continues && !previous_blank {
            blocks.last_mut().unwrap().1 = end;
        } else {
            blocks.push((start, end, "line"));
        }
        previous_blank = false;
    }
    blocks
        .into_iter()
        .map(|(s, e, kind)| (s, e, kind, collapse(&chars[s..e])))
        .collect()
}

fn check_segments(text: &str) {
    let n_chars = text.chars().count();
    let found: Vec<(usize, usize, &'static str, String)> = text::segment_text(text)
        .into_iter()
        .map(|b| (b.start, b.end, b.kind.name(), b.text))
        .collect();
    let mut previous_end = 0;
    for &(start, end, _, _) in &found {
        assert!(
            previous_end <= start && start <= end && end <= n_chars,
            "{found:?}"
        );
        previous_end = end;
    }
    assert_eq!(found, reference_segment_text(text), "{text:?}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for indent in [false, true] {
        let normalized = text::normalize_text(&text, indent);
        assert_eq!(
            normalized,
            reference_normalize_text(&text, indent),
            "{text:?} indent={indent}"
        );
        check_segments(&normalized);
    }
    check_segments(&text);
});
