//! The feature rows of a page's blocks, for the learned block classifier (`cleaner.model.features`).
//!
//! The features' names and order, and every vocabulary they test against (block kinds, reasons,
//! class/id tokens, tag-path tags, stop words, the characters stripped from a word or ending a
//! sentence), are defined in Python and handed to [`Spec::new`] once: the rows fill the columns
//! that the names place them in. Text is read with Python's semantics: `str.split()` whitespace,
//! `re`'s `\w`, `\d` and `\s`, `str.isupper()` and lengths in code points ([`crate::python_unicode`]),
//! `str.lower()` (Rust's full lowercase mapping, final sigma included: Rust's Unicode version may be
//! later than Python's, but no mapping changed in between gives a stop word). Every number is
//! computed as the Python did, in the same order of additions, so that a row is the same to the last bit.
//!
//! Nothing here touches Python, so that the bindings in `lib.rs` run it with the GIL released.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::python_unicode::{CASELESS, DIGIT, SPACE, UPPER, WORD};

/// A stamp line ("Peter 07.08.12 at 13:24", "5 days ago") has at most this many words.
const STAMP_WORDS: usize = 14;
/// Blocks either side in the stamp window.
const STAMP_HALF: usize = 4;
/// Blocks either side in the text windows.
const WINDOW_HALF: usize = 3;
/// A block longer than this many words adds to a dense region, a shorter one takes away.
const DENSE_WORDS: i64 = 10;
/// Distances in blocks are capped here.
const FAR: i64 = 20;
/// The distance to trafilatura's nearest kept block when it kept none.
const NONE_KEPT: i64 = 100;
/// The index of "the last heading" before the page has had one.
const NO_HEADING: i64 = -100;

/// The columns that are one number each, by name; `Spec::new` finds each in the names.
const SCALARS: [&str; col::COUNT] = [
    "log_words",
    "log_chars",
    "punct_ratio",
    "digit_ratio",
    "capital_ratio",
    "stopword_ratio",
    "mean_word_length",
    "terminal",
    "ellipsis",
    "lines",
    "link_density",
    "depth",
    "position",
    "char_position",
    "trafilatura",
    "removed_by_rules",
    "log_blocks",
    "kept_share",
    "heading_distance",
    "prev_log_words",
    "prev_trafilatura",
    "prev_link_density",
    "prev_kept",
    "next_log_words",
    "next_trafilatura",
    "next_link_density",
    "next_kept",
    "window_trafilatura",
    "window_kept",
    "prev_terminal",
    "prev_stopword_ratio",
    "next_terminal",
    "next_stopword_ratio",
    "window_log_words",
    "window_terminal",
    "window_stopword_ratio",
    "window_stamps",
    "page_log_stamps",
    "page_log_words",
    "page_trafilatura_log_words",
    "page_trafilatura_share",
    "inside_trafilatura_span",
    "trafilatura_distance",
    "inside_dense_region",
    "dense_region_distance",
    "dense_region_share",
    "collapsed",
];

/// The scalar columns' positions in `SCALARS`.
mod col {
    pub const LOG_WORDS: usize = 0;
    pub const LOG_CHARS: usize = 1;
    pub const PUNCT: usize = 2;
    pub const DIGITS: usize = 3;
    pub const CAPITALS: usize = 4;
    pub const STOPWORDS: usize = 5;
    pub const WORD_LENGTH: usize = 6;
    pub const TERMINAL: usize = 7;
    pub const ELLIPSIS: usize = 8;
    pub const LINES: usize = 9;
    pub const LINK_DENSITY: usize = 10;
    pub const DEPTH: usize = 11;
    pub const POSITION: usize = 12;
    pub const CHAR_POSITION: usize = 13;
    pub const TRAFILATURA: usize = 14;
    pub const REMOVED: usize = 15;
    pub const LOG_BLOCKS: usize = 16;
    pub const KEPT_SHARE: usize = 17;
    pub const HEADING_DISTANCE: usize = 18;
    /// prev_ then next_ of log_words, trafilatura, link_density, kept
    pub const NEIGHBOURS: usize = 19;
    pub const WINDOW_TRAFILATURA: usize = 27;
    pub const WINDOW_KEPT: usize = 28;
    /// prev_ then next_ of terminal, stopword_ratio
    pub const NEIGHBOUR_TEXT: usize = 29;
    pub const WINDOW_LOG_WORDS: usize = 33;
    pub const WINDOW_TERMINAL: usize = 34;
    pub const WINDOW_STOPWORDS: usize = 35;
    pub const WINDOW_STAMPS: usize = 36;
    pub const PAGE_LOG_STAMPS: usize = 37;
    pub const PAGE_LOG_WORDS: usize = 38;
    pub const PAGE_TRAFILATURA_LOG_WORDS: usize = 39;
    pub const PAGE_TRAFILATURA_SHARE: usize = 40;
    pub const INSIDE_TRAFILATURA: usize = 41;
    pub const TRAFILATURA_DISTANCE: usize = 42;
    pub const INSIDE_DENSE: usize = 43;
    pub const DENSE_DISTANCE: usize = 44;
    pub const DENSE_SHARE: usize = 45;
    pub const COLLAPSED: usize = 46;
    pub const COUNT: usize = 47;
}

/// FxHash, rustc's hasher: the vocabularies are looked up for every word and every class/id token
/// of a page, and SipHash (the default) costs more than the lookup. Nothing is ever inserted from a
/// page: its words are only looked up among the fixed keys, so no page can make the maps slow.
#[derive(Clone, Copy, Default)]
pub struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut rest = [0; 8];
        rest[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(rest));
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map hashed with [`Fx`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

/// The vocabularies and the place of every column, as Python defines them.
#[derive(Debug)]
pub struct Spec {
    width: usize,
    scalar: [usize; col::COUNT],
    kinds: FxMap<String, usize>,
    reasons: FxMap<String, usize>,
    attr_tokens: FxMap<String, usize>,
    path_tags: FxMap<String, usize>,
    open_reasons: FxSet<String>,
    heading: String,
    stopwords: FxSet<String>,
    /// The most characters of a stop word: a longer word never lowercases to one.
    longest_stopword: usize,
    strip: Vec<char>,
    terminal: Vec<char>,
    endings: Vec<String>,
    cjk: Vec<(u32, u32)>,
    stamp_units: Vec<Vec<u8>>,
    stamp_after: Vec<u8>,
}

/// The vocabularies `Spec::new` reads, as Python hands them over.
pub struct Vocabularies {
    pub kinds: Vec<String>,
    pub reasons: Vec<String>,
    pub attr_tokens: Vec<String>,
    pub path_tags: Vec<String>,
    pub open_reasons: Vec<String>,
    /// The kind of a heading, which the heading distance counts from.
    pub heading: String,
    pub stopwords: Vec<String>,
    pub strip: String,
    pub terminal: String,
    pub endings: Vec<String>,
    pub cjk: Vec<(u32, u32)>,
    pub stamp_units: Vec<String>,
    pub stamp_after: String,
}

impl Spec {
    /// Places every column by its name in `names`; refuses names it does not compute, or misses.
    pub fn new(names: &[String], vocabularies: Vocabularies) -> Result<Self, String> {
        let mut at: HashMap<&str, usize> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            if at.insert(name.as_str(), i).is_some() {
                return Err(format!("feature {name:?} is named twice"));
            }
        }
        let mut covered = vec![false; names.len()];
        let mut find = |name: &str| -> Result<usize, String> {
            let i = *at
                .get(name)
                .ok_or_else(|| format!("no feature named {name:?}"))?;
            if std::mem::replace(&mut covered[i], true) {
                return Err(format!("feature {name:?} is computed twice"));
            }
            Ok(i)
        };
        let mut scalar = [0; col::COUNT];
        for (slot, name) in scalar.iter_mut().zip(SCALARS) {
            *slot = find(name)?;
        }
        let mut one_hot =
            |prefix: &str, tokens: &[String]| -> Result<FxMap<String, usize>, String> {
                tokens
                    .iter()
                    .map(|token| Ok((token.clone(), find(&format!("{prefix}_{token}"))?)))
                    .collect()
            };
        let kinds = one_hot("kind", &vocabularies.kinds)?;
        let reasons = one_hot("reason", &vocabularies.reasons)?;
        let attr_tokens = one_hot("attr", &vocabularies.attr_tokens)?;
        let path_tags = one_hot("path", &vocabularies.path_tags)?;
        if let Some(i) = covered.iter().position(|&c| !c) {
            return Err(format!("feature {:?} is not computed here", names[i]));
        }
        if vocabularies.stamp_after.is_empty()
            || !vocabularies
                .stamp_after
                .bytes()
                .all(|b| b.is_ascii_lowercase())
            || !vocabularies
                .stamp_units
                .iter()
                .all(|unit| !unit.is_empty() && unit.bytes().all(|b| b.is_ascii_lowercase()))
        {
            return Err("the stamp words must be lowercase ASCII letters".into());
        }
        let longest_stopword = vocabularies
            .stopwords
            .iter()
            .map(|word| word.chars().count())
            .max()
            .unwrap_or(0);
        Ok(Self {
            width: names.len(),
            scalar,
            kinds,
            reasons,
            attr_tokens,
            path_tags,
            open_reasons: vocabularies.open_reasons.into_iter().collect(),
            heading: vocabularies.heading,
            stopwords: vocabularies.stopwords.into_iter().collect(),
            longest_stopword,
            strip: vocabularies.strip.chars().collect(),
            terminal: vocabularies.terminal.chars().collect(),
            endings: vocabularies.endings,
            cjk: vocabularies.cjk,
            stamp_units: vocabularies
                .stamp_units
                .into_iter()
                .map(String::into_bytes)
                .collect(),
            stamp_after: vocabularies.stamp_after.into_bytes(),
        })
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The one-hot column of a block kind, if it has one.
    pub fn kind_column(&self, kind: &str) -> Option<usize> {
        self.kinds.get(kind).copied()
    }

    /// The one-hot column of a removal reason, if it has one.
    pub fn reason_column(&self, reason: &str) -> Option<usize> {
        self.reasons.get(reason).copied()
    }

    /// The one-hot column of a class/id token, if it has one.
    pub fn attr_column(&self, token: &str) -> Option<usize> {
        self.attr_tokens.get(token).copied()
    }

    /// The one-hot column of a tag in a tag path, if it has one.
    pub fn path_column(&self, tag: &str) -> Option<usize> {
        self.path_tags.get(tag).copied()
    }

    /// Whether a block kind is a heading's.
    pub fn is_heading(&self, kind: &str) -> bool {
        kind == self.heading
    }

    /// Whether a reason is trafilatura's verdict alone, which the model may overrule.
    pub fn is_open_reason(&self, reason: &str) -> bool {
        self.open_reasons.contains(reason)
    }
}

/// What the rows need of one block and its decision, read from Python beforehand.
#[derive(Clone, Debug, Default)]
pub struct Block {
    pub text: String,
    /// The tag path's slashes.
    pub depth: usize,
    pub link_density: f64,
    /// trafilatura's verdict: 1 kept, 0 dropped, 0.5 not asked.
    pub verdict: f64,
    pub start: i64,
    pub end: i64,
    pub collapsed: f64,
    pub heading: bool,
    /// Not removed by a rule, a DOM marker or a structural step.
    pub open: bool,
    /// The one-hot columns that apply (kind, reason, class/id tokens, tags).
    pub one_hot: Vec<usize>,
}

pub fn in_ranges(c: u32, ranges: &[(u32, u32)]) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `str.isspace()` of one character: what `str.split()` splits at.
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ')
    } else {
        in_ranges(c as u32, SPACE)
    }
}

/// `re`'s `\w`.
pub fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        in_ranges(c as u32, WORD)
    }
}

/// `re`'s `\d`.
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_ranges(c as u32, DIGIT)
    }
}

/// `str.isupper()` of one character.
pub fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        in_ranges(c as u32, UPPER)
    }
}

/// Whether `c` matches the lowercase ASCII letter `letter` with `re.IGNORECASE`.
pub fn caseless_eq(c: char, letter: u8) -> bool {
    if c.is_ascii() {
        c.to_ascii_lowercase() as u32 == letter as u32
    } else {
        CASELESS.iter().any(|&(other, l)| other == c && l == letter)
    }
}

/// A block's own numbers, before the page's.
#[derive(Clone, Copy, Debug, Default)]
struct Own {
    /// Words, two CJK characters counting as one.
    count: i64,
    log_words: f64,
    log_chars: f64,
    punct: f64,
    digits: f64,
    capitals: f64,
    stopwords: f64,
    word_length: f64,
    terminal: f64,
    ellipsis: f64,
    lines: f64,
    stamp: bool,
}

impl Spec {
    fn own(&self, text: &str) -> Own {
        let mut n_chars: i64 = 0;
        let (mut punct, mut digits, mut cjk, mut newlines) = (0i64, 0i64, 0i64, 0i64);
        let (mut n_words, mut capitals, mut stopwords, mut word_chars) = (0i64, 0i64, 0i64, 0i64);
        let mut word_start: Option<usize> = None;
        let mut lowered = String::new();
        let mut finish = |word: &str, n: i64| {
            n_words += 1;
            word_chars += n;
            if word.chars().next().is_some_and(is_upper) {
                capitals += 1;
            }
            if self.is_stopword(word, &mut lowered) {
                stopwords += 1;
            }
        };
        let mut word_len: i64 = 0;
        for (i, c) in text.char_indices() {
            n_chars += 1;
            if c == '\n' {
                newlines += 1;
            }
            if is_space(c) {
                if let Some(start) = word_start.take() {
                    finish(&text[start..i], word_len);
                }
                continue;
            }
            if word_start.is_none() {
                word_start = Some(i);
                word_len = 0;
            }
            word_len += 1;
            if c.is_ascii() {
                if c.is_ascii_digit() {
                    digits += 1;
                } else if !(c.is_ascii_alphabetic() || c == '_') {
                    punct += 1;
                }
            } else {
                let code = c as u32;
                if !in_ranges(code, WORD) {
                    punct += 1;
                } else if in_ranges(code, DIGIT) {
                    digits += 1;
                }
                if self.cjk.iter().any(|&(lo, hi)| lo <= code && code <= hi) {
                    cjk += 1;
                }
            }
        }
        if let Some(start) = word_start {
            finish(&text[start..], word_len);
        }
        let count = n_words + cjk / 2;
        let per_char = n_chars.max(1) as f64;
        let per_word = n_words.max(1) as f64;
        Own {
            count,
            log_words: (count as f64).ln_1p(),
            log_chars: (n_chars as f64).ln_1p(),
            punct: punct as f64 / per_char,
            digits: digits as f64 / per_char,
            capitals: capitals as f64 / per_word,
            stopwords: stopwords as f64 / per_word,
            word_length: word_chars as f64 / per_word,
            terminal: flag(self.terminal(text)),
            ellipsis: flag(self.endings.iter().any(|end| text.ends_with(end.as_str()))),
            lines: (newlines + 1) as f64,
            // a stamp has a digit (`\d`), and `digits` counts every one
            stamp: count <= STAMP_WORDS as i64 && digits > 0 && self.has_stamp(text),
        }
    }

    /// `word.strip(strip).lower() in stopwords`; `lowered` is scratch space.
    fn is_stopword(&self, word: &str, lowered: &mut String) -> bool {
        let stripped = word.trim_matches(|c| self.strip.contains(&c));
        // lowercasing never shortens a word (in characters): a longer word is never a stop word
        if stripped.chars().nth(self.longest_stopword).is_some() {
            return false;
        }
        lowered.clear();
        if stripped.is_ascii() {
            lowered.extend(stripped.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            lowered.push_str(&stripped.to_lowercase());
        }
        self.stopwords.contains(lowered.as_str())
    }

    /// `re.search('[<terminal>]$', text)`: the last character, or the one before a final line end.
    fn terminal(&self, text: &str) -> bool {
        let mut last = text.chars().rev();
        match last.next() {
            Some(c) if self.terminal.contains(&c) => true,
            Some('\n') => last.next().is_some_and(|c| self.terminal.contains(&c)),
            _ => false,
        }
    }

    /// `re.search(r"\b\d{1,2}:\d{2}\b|\b\d+ (<unit>s?|...) <after>\b", text, re.I)`.
    fn has_stamp(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let word_at = |i: usize| chars.get(i).is_some_and(|&c| is_word(c));
        let digit_at = |i: usize| chars.get(i).is_some_and(|&c| is_digit(c));
        let letters_at = |i: usize, letters: &[u8]| {
            letters
                .iter()
                .enumerate()
                .all(|(k, &l)| chars.get(i + k).is_some_and(|&c| caseless_eq(c, l)))
        };
        for start in 0..chars.len() {
            if !digit_at(start) || (start > 0 && word_at(start - 1)) {
                continue;
            }
            // \d{1,2}:\d{2}\b
            for hours in 1..=2 {
                let colon = start + hours;
                if (1..hours).all(|k| digit_at(start + k))
                    && chars.get(colon) == Some(&':')
                    && digit_at(colon + 1)
                    && digit_at(colon + 2)
                    && !word_at(colon + 3)
                {
                    return true;
                }
            }
            // \d+ (<unit>s?) <after>\b: the digits run to the space
            let mut end = start;
            while digit_at(end) {
                end += 1;
            }
            if chars.get(end) != Some(&' ') {
                continue;
            }
            for unit in &self.stamp_units {
                let at = end + 1;
                if !letters_at(at, unit) {
                    continue;
                }
                let bare = at + unit.len();
                let plural = letters_at(bare, b"s").then_some(bare + 1);
                for after_unit in plural.into_iter().chain([bare]) {
                    let after = after_unit + 1;
                    if chars.get(after_unit) == Some(&' ')
                        && letters_at(after, &self.stamp_after)
                        && !word_at(after + self.stamp_after.len())
                    {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// The rows of a page's blocks, row after row (`blocks` x `width`).
    pub fn rows(&self, blocks: &[Block]) -> Vec<f64> {
        let n = blocks.len();
        let width = self.width;
        let mut out = vec![0.0; n * width];
        if n == 0 {
            return out;
        }
        let own: Vec<Own> = blocks.iter().map(|block| self.own(&block.text)).collect();
        let kept: Vec<f64> = blocks.iter().map(|block| flag(block.open)).collect();
        let verdicts: Vec<f64> = blocks.iter().map(|block| block.verdict).collect();
        let counts: Vec<i64> = own.iter().map(|o| o.count).collect();
        let column = |name: usize| self.scalar[name];
        let by_end = blocks[n - 1].end.max(1) as f64;
        let kept_share = kept.iter().fold(0.0, |sum, k| sum + k) / n as f64;

        // the columns that the neighbour and window columns read
        let log_words: Vec<f64> = own.iter().map(|o| o.log_words).collect();
        let link_density: Vec<f64> = blocks.iter().map(|b| b.link_density).collect();
        let terminal: Vec<f64> = own.iter().map(|o| o.terminal).collect();
        let stopwords: Vec<f64> = own.iter().map(|o| o.stopwords).collect();
        let stamps: Vec<f64> = own.iter().map(|o| flag(o.stamp)).collect();
        let page_stamps = stamps.iter().fold(0.0, |sum, s| sum + s);

        // the page's words, trafilatura's share of them and its kept span
        let words: Vec<f64> = counts
            .iter()
            .zip(&kept)
            .map(|(&c, &k)| c as f64 * k)
            .collect();
        let total = words.iter().fold(0.0, |sum, w| sum + w);
        let by_trafilatura = words
            .iter()
            .zip(&verdicts)
            .filter(|(_, &v)| v == 1.0)
            .fold(0.0, |sum, (w, _)| sum + w);
        let kept_at: Vec<usize> = (0..n).filter(|&i| verdicts[i] == 1.0).collect();
        let (span_first, span_last) = match (kept_at.first(), kept_at.last()) {
            (Some(&first), Some(&last)) => (first as i64, last as i64),
            _ => (n as i64, -1),
        };
        let nearest = distance_to_kept(&verdicts);
        let gains: Vec<i64> = counts
            .iter()
            .zip(blocks)
            .map(|(&c, b)| if b.open { c } else { 0 } - DENSE_WORDS)
            .collect();
        let (first, last) = best_run(&gains);
        let dense_words: i64 = if first <= last {
            counts[first as usize..=last as usize].iter().sum()
        } else {
            0
        };
        let dense_share = dense_words as f64 / counts.iter().sum::<i64>().max(1) as f64;

        let mut last_heading = NO_HEADING;
        for (i, (block, o)) in blocks.iter().zip(&own).enumerate() {
            let row = &mut out[i * width..(i + 1) * width];
            let mut set = |name: usize, value: f64| row[column(name)] = value;
            set(col::LOG_WORDS, o.log_words);
            set(col::LOG_CHARS, o.log_chars);
            set(col::PUNCT, o.punct);
            set(col::DIGITS, o.digits);
            set(col::CAPITALS, o.capitals);
            set(col::STOPWORDS, o.stopwords);
            set(col::WORD_LENGTH, o.word_length);
            set(col::TERMINAL, o.terminal);
            set(col::ELLIPSIS, o.ellipsis);
            set(col::LINES, o.lines);
            set(col::LINK_DENSITY, block.link_density);
            set(col::DEPTH, block.depth as f64);
            set(col::POSITION, i as f64 / n as f64);
            set(col::CHAR_POSITION, block.start as f64 / by_end);
            set(col::TRAFILATURA, verdicts[i]);
            set(col::REMOVED, 1.0 - kept[i]);
            set(col::LOG_BLOCKS, (n as f64).ln_1p());
            set(col::KEPT_SHARE, kept_share);
            if block.heading {
                last_heading = i as i64;
            }
            set(
                col::HEADING_DISTANCE,
                (i as i64 - last_heading).min(FAR) as f64,
            );
            // the first block has no previous one, the last no next one: neutral values
            let prev = i.checked_sub(1);
            let next = (i + 1 < n).then_some(i + 1);
            for (side, neighbour) in [prev, next].into_iter().enumerate() {
                let at = |values: &[f64], empty: f64| neighbour.map_or(empty, |j| values[j]);
                let base = col::NEIGHBOURS + 4 * side;
                set(base, at(&log_words, 0.0));
                set(base + 1, at(&verdicts, 0.5));
                set(base + 2, at(&link_density, 0.0));
                set(base + 3, at(&kept, 0.5));
                let base = col::NEIGHBOUR_TEXT + 2 * side;
                set(base, at(&terminal, 0.0));
                set(base + 1, at(&stopwords, 0.0));
            }
            let counted = ((i + WINDOW_HALF + 1).min(n) - i.saturating_sub(WINDOW_HALF)) as f64;
            for (column, values) in [
                (col::WINDOW_TRAFILATURA, &verdicts),
                (col::WINDOW_KEPT, &kept),
                (col::WINDOW_LOG_WORDS, &log_words),
                (col::WINDOW_TERMINAL, &terminal),
                (col::WINDOW_STOPWORDS, &stopwords),
            ] {
                set(column, window_sum(values, i, WINDOW_HALF) / counted);
            }
            set(col::WINDOW_STAMPS, window_sum(&stamps, i, STAMP_HALF));
            set(col::PAGE_LOG_STAMPS, page_stamps.ln_1p());
            set(col::PAGE_LOG_WORDS, total.ln_1p());
            set(col::PAGE_TRAFILATURA_LOG_WORDS, by_trafilatura.ln_1p());
            set(col::PAGE_TRAFILATURA_SHARE, by_trafilatura / total.max(1.0));
            let at = i as i64;
            set(
                col::INSIDE_TRAFILATURA,
                flag(span_first <= at && at <= span_last),
            );
            set(col::TRAFILATURA_DISTANCE, nearest[i].min(FAR) as f64);
            set(col::INSIDE_DENSE, flag(first <= at && at <= last));
            set(
                col::DENSE_DISTANCE,
                (first - at).max(at - last).clamp(0, FAR) as f64,
            );
            set(col::DENSE_SHARE, dense_share);
            set(col::COLLAPSED, block.collapsed);
            for &one in &block.one_hot {
                row[one] = 1.0;
            }
        }
        out
    }
}

fn flag(value: bool) -> f64 {
    if value {
        1.0
    } else {
        0.0
    }
}

/// `values[i]`'s sum with its `half` neighbours either side, added in order from the first.
fn window_sum(values: &[f64], i: usize, half: usize) -> f64 {
    let window = &values[i.saturating_sub(half)..(i + half + 1).min(values.len())];
    window.iter().fold(0.0, |sum, v| sum + v)
}

/// First and last index of the run whose gains add up most; `(len, -1)` when none adds up above 0.
fn best_run(gains: &[i64]) -> (i64, i64) {
    let (mut best, mut span) = (0, (gains.len() as i64, -1));
    let (mut running, mut start) = (0, 0);
    for (i, &gain) in gains.iter().enumerate() {
        if running <= 0 {
            running = gain;
            start = i as i64;
        } else {
            running += gain;
        }
        if running > best {
            best = running;
            span = (start, i as i64);
        }
    }
    span
}

/// Blocks between each block and the nearest one trafilatura kept (`NONE_KEPT` when it kept none).
fn distance_to_kept(verdicts: &[f64]) -> Vec<i64> {
    let mut out = vec![NONE_KEPT; verdicts.len()];
    let mut last = None;
    for (i, &v) in verdicts.iter().enumerate() {
        if v == 1.0 {
            last = Some(i);
        }
        if let Some(last) = last {
            out[i] = (i - last) as i64;
        }
    }
    last = None;
    for (i, &v) in verdicts.iter().enumerate().rev() {
        if v == 1.0 {
            last = Some(i);
        }
        if let Some(last) = last {
            out[i] = out[i].min((last - i) as i64);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &str) -> Vec<String> {
        words.split_whitespace().map(String::from).collect()
    }

    fn spec() -> Spec {
        let mut names: Vec<String> = SCALARS.iter().map(|name| name.to_string()).collect();
        names.extend(strings(
            "kind_p kind_h reason_navigation attr_content path_article",
        ));
        let vocabularies = Vocabularies {
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
        Spec::new(&names, vocabularies).unwrap()
    }

    #[test]
    fn python_s_classes() {
        assert!(is_space('\x1c') && is_space('\u{3000}') && !is_space('\u{200b}'));
        assert!(is_word('_') && is_word('é') && is_word('٣') && is_word('Ⅻ'));
        // a combining mark is Alphabetic to Rust, and no \w to Python
        assert!('\u{093e}'.is_alphabetic() && !is_word('\u{093e}'));
        assert!(is_digit('٣') && !is_digit('²') && !is_digit('x'));
        assert!(is_upper('É') && is_upper('Σ') && !is_upper('ǅ') && !is_upper('ß'));
        assert!(caseless_eq('\u{212a}', b'k') && caseless_eq('ſ', b's') && caseless_eq('İ', b'i'));
        assert!(!caseless_eq('ſ', b'f') && caseless_eq('K', b'k') && !caseless_eq('k', b's'));
    }

    #[test]
    fn text_statistics() {
        let spec = spec();
        let own = spec.own("The «für» Ünd 東京の 12");
        assert_eq!(own.count, 5 + 1);
        assert_eq!(own.stopwords, 2.0 / 5.0);
        assert_eq!(own.capitals, 2.0 / 5.0);
        assert_eq!(own.word_length, (3 + 5 + 3 + 3 + 2) as f64 / 5.0);
        assert_eq!(own.punct, 2.0 / 20.0);
        assert_eq!(own.digits, 2.0 / 20.0);
        let empty = spec.own("");
        assert_eq!((empty.count, empty.punct, empty.lines), (0, 0.0, 1.0));
        // İ lowercases to two characters, i and a combining dot: no stop word
        assert_eq!(spec.own("I İ ı").stopwords, 1.0 / 3.0);
    }

    #[test]
    fn sentence_ends() {
        let spec = spec();
        for (text, terminal) in [
            ("end.", true),
            ("end.\n", true),
            ("end.\n\n", false),
            ("end\n", false),
            ("»", true),
            ("", false),
        ] {
            assert_eq!(spec.terminal(text), terminal, "{text:?}");
        }
    }

    #[test]
    fn stamps() {
        let spec = spec();
        for (text, stamp) in [
            ("at 13:24", true),
            ("7:05", true),
            ("123:45", false),
            ("12:345", false),
            ("x12:30", false),
            ("٣:٤٥", true),
            ("5 days ago", true),
            ("5 day ago.", true),
            ("5 DAYS AGO", true),
            ("5 dayss ago", false),
            ("5 days agox", false),
            ("a5 days ago", false),
            ("2 wee\u{212a}ſ ago", true),
            ("2 mİnutes ago", true),
            ("5  days ago", false),
        ] {
            assert_eq!(spec.has_stamp(text), stamp, "{text:?}");
        }
    }

    #[test]
    fn runs_and_distances() {
        assert_eq!(best_run(&[-5, 10, -3, 8, -20, 4]), (1, 3));
        assert_eq!(best_run(&[-1, -2]), (2, -1));
        assert_eq!(best_run(&[]), (0, -1));
        assert_eq!(
            distance_to_kept(&[0.0, 1.0, 0.5, 0.0, 1.0]),
            vec![1, 0, 1, 1, 0]
        );
        assert_eq!(distance_to_kept(&[0.5, 0.0]), vec![NONE_KEPT, NONE_KEPT]);
        assert_eq!(window_sum(&[1.0, 2.0, 4.0, 8.0], 0, 1), 3.0);
        assert_eq!(window_sum(&[1.0, 2.0, 4.0, 8.0], 3, 3), 15.0);
    }

    #[test]
    fn rows_place_every_column_by_name() {
        let spec = spec();
        assert_eq!(spec.width(), col::COUNT + 5);
        let block = |text: &str, heading: bool| Block {
            text: text.into(),
            heading,
            open: true,
            verdict: 1.0,
            end: 10,
            one_hot: vec![col::COUNT],
            ..Block::default()
        };
        let rows = spec.rows(&[block("Title", true), block("Some words here.", false)]);
        assert_eq!(rows.len(), 2 * spec.width());
        let second = &rows[spec.width()..];
        assert_eq!(second[spec.scalar[col::HEADING_DISTANCE]], 1.0);
        assert_eq!(second[spec.scalar[col::POSITION]], 0.5);
        assert_eq!(second[spec.scalar[col::NEIGHBOURS + 4]], 0.0); // no next block: no words
        assert_eq!(second[col::COUNT], 1.0);
        assert!(spec.rows(&[]).is_empty());
    }

    #[test]
    fn names_it_does_not_compute_are_refused() {
        let vocabularies = || Vocabularies {
            kinds: strings("p"),
            reasons: vec![],
            attr_tokens: vec![],
            path_tags: vec![],
            open_reasons: vec![],
            heading: "h".into(),
            stopwords: vec![],
            strip: String::new(),
            terminal: String::new(),
            endings: vec![],
            cjk: vec![],
            stamp_units: strings("day"),
            stamp_after: "ago".into(),
        };
        let mut names: Vec<String> = SCALARS.iter().map(|name| name.to_string()).collect();
        names.push("kind_p".into());
        assert!(Spec::new(&names, vocabularies()).is_ok());
        assert!(Spec::new(&names[1..], vocabularies()).is_err());
        names.push("kind_q".into());
        assert!(Spec::new(&names, vocabularies()).is_err());
        names.pop();
        names.push("log_words".into());
        assert!(Spec::new(&names, vocabularies()).is_err());
        names.pop();
        let upper = Vocabularies {
            stamp_after: "Ago".into(),
            ..vocabularies()
        };
        assert!(Spec::new(&names, upper).is_err());
    }
}
