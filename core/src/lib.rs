//! cleaner's compiled core, the Python extension module `cleaner._core`.
//!
//! Each function takes and returns plain Python values; the work runs with the GIL released
//! (`Python::detach`), so threads clean documents in parallel. A panic never crosses into Python:
//! PyO3 turns it into `PanicException` (exported here), which `cleaner.api` records as an internal
//! error of the one document. No function here recurses.

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTimeoutError, PyValueError};
use pyo3::intern;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

mod dom;
mod features;
mod python_unicode;
mod segment;
mod text;
mod trees;

/// NFC, LF line ends, one space between words, trimmed lines; blank lines are kept.
#[pyfunction]
#[pyo3(signature = (text, /, indent = false))]
fn normalize_text(py: Python<'_>, text: &str, indent: bool) -> String {
    py.detach(|| text::normalize_text(text, indent))
}

/// One block per line: `(start, end, kind, text)` with character offsets into `text`.
#[pyfunction]
fn segment_text(py: Python<'_>, text: &str) -> Vec<(usize, usize, &'static str, String)> {
    py.detach(|| {
        text::segment_text(text)
            .into_iter()
            .map(|block| (block.start, block.end, block.kind.name(), block.text))
            .collect()
    })
}

/// A LightGBM model (binary or softmax multiclass), read from its text format.
///
/// `Forest(text)` raises ValueError for a model it cannot evaluate exactly.
#[pyclass(frozen, module = "cleaner._core", name = "Forest")]
struct Forest(trees::Forest);

#[pymethods]
impl Forest {
    #[new]
    fn new(py: Python<'_>, text: &str) -> PyResult<Self> {
        py.detach(|| trees::Forest::parse(text))
            .map(Self)
            .map_err(PyValueError::new_err)
    }

    #[getter]
    fn n_features(&self) -> usize {
        self.0.n_features()
    }

    #[getter]
    fn n_classes(&self) -> usize {
        self.0.n_classes()
    }

    #[getter]
    fn n_trees(&self) -> usize {
        self.0.n_trees()
    }

    /// The most leaves of any one tree.
    #[getter]
    fn max_leaves(&self) -> usize {
        self.0.max_leaves()
    }

    /// The raw scores of a 2-D float64 array of rows, flat, class after class (`n_classes` x rows).
    ///
    /// The rows are copied before the GIL is released: Python code may not change them meanwhile.
    fn raw<'py>(
        &self,
        py: Python<'py>,
        rows: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let width = rows.shape()[1];
        if width != self.0.n_features() {
            return Err(PyValueError::new_err(format!(
                "expected rows of {} features, got {width}",
                self.0.n_features()
            )));
        }
        // ndarray's slice is row after row only (numpy's would be column-major for a Fortran array)
        let view = rows.as_array();
        let values: Vec<f64> = match view.as_slice() {
            Some(row_major) => row_major.to_vec(),
            None => view.iter().copied().collect(),
        };
        let raw = py
            .detach(|| self.0.raw(&values))
            .map_err(PyValueError::new_err)?;
        Ok(PyArray1::from_vec(py, raw))
    }
}

/// The feature rows of a page's blocks (`cleaner.model.features`), their columns placed by name.
///
/// `Features(names, ...)` raises ValueError when the names and the vocabularies do not give every
/// column exactly once, as the core computes it.
#[pyclass(frozen, module = "cleaner._core", name = "Features")]
struct Features(features::Spec);

#[pymethods]
impl Features {
    #[new]
    #[pyo3(signature = (
        names, *, kinds, reasons, attr_tokens, path_tags, open_reasons, heading, stopwords, strip,
        terminal, endings, cjk, stamp_units, stamp_after,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        names: Vec<String>,
        kinds: Vec<String>,
        reasons: Vec<String>,
        attr_tokens: Vec<String>,
        path_tags: Vec<String>,
        open_reasons: Vec<String>,
        heading: String,
        stopwords: Vec<String>,
        strip: String,
        terminal: String,
        endings: Vec<String>,
        cjk: Vec<(u32, u32)>,
        stamp_units: Vec<String>,
        stamp_after: String,
    ) -> PyResult<Self> {
        let vocabularies = features::Vocabularies {
            kinds,
            reasons,
            attr_tokens,
            path_tags,
            open_reasons,
            heading,
            stopwords,
            strip,
            terminal,
            endings,
            cjk,
            stamp_units,
            stamp_after,
        };
        features::Spec::new(&names, vocabularies)
            .map(Self)
            .map_err(PyValueError::new_err)
    }

    /// The number of columns.
    #[getter]
    fn width(&self) -> usize {
        self.0.width()
    }

    /// The rows of a page's decisions (`cleaner.records.Decision`): a (blocks, columns) float64 array.
    ///
    /// The blocks' fields are read, and their one-hot columns looked up, with the GIL held; the
    /// text statistics and the page's columns are computed with it released.
    fn rows<'py>(
        &self,
        py: Python<'py>,
        decisions: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let spec = &self.0;
        let mut blocks = Vec::new();
        let mut markup = Markup::default();
        for decision in decisions.try_iter()? {
            blocks.push(read_block(spec, &decision?, &mut markup)?);
        }
        let width = spec.width();
        let n = blocks.len();
        let values = py.detach(|| spec.rows(&blocks));
        let rows = Array2::from_shape_vec((n, width), values)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok(rows.into_pyarray(py))
    }
}

/// The one-hot columns of the class/id tokens and of the tag paths of a page, each found once:
/// sibling blocks share them. A value is known by its Python hash (a tuple's reuses its strings'
/// cached hashes) and compared with `==`, as a dict would.
#[derive(Default)]
struct Markup<'py> {
    seen: features::FxMap<(bool, isize), usize>,
    values: Vec<(Bound<'py, PyAny>, std::ops::Range<usize>)>,
    columns: Vec<usize>,
}

impl<'py> Markup<'py> {
    /// The columns of `attrs` (a tuple of tokens) or, with `path`, of a tag path.
    fn columns(
        &mut self,
        spec: &features::Spec,
        value: Bound<'py, PyAny>,
        path: bool,
    ) -> PyResult<std::ops::Range<usize>> {
        let key = (path, value.hash()?);
        let known = self.seen.get(&key).copied();
        if let Some(i) = known {
            let (seen, range) = &self.values[i];
            if seen.eq(&value)? {
                return Ok(range.clone());
            }
        }
        let start = self.columns.len();
        if path {
            let tags = value.cast::<PyString>()?.to_str()?;
            self.columns
                .extend(tags.split('/').filter_map(|tag| spec.path_column(tag)));
        } else {
            for token in value.try_iter()? {
                self.columns
                    .extend(spec.attr_column(token?.cast::<PyString>()?.to_str()?));
            }
        }
        let range = start..self.columns.len();
        if known.is_none() {
            self.seen.insert(key, self.values.len());
            self.values.push((value, range.clone()));
        }
        Ok(range)
    }
}

/// What the rows need of a decision and its block.
fn read_block<'py>(
    spec: &features::Spec,
    decision: &Bound<'py, PyAny>,
    markup: &mut Markup<'py>,
) -> PyResult<features::Block> {
    let py = decision.py();
    let block = decision.getattr(intern!(py, "block"))?;
    let keep = decision.getattr(intern!(py, "keep"))?.is_truthy()?;
    let evidence = decision.getattr(intern!(py, "evidence"))?.is_truthy()?;
    let reason = decision.getattr(intern!(py, "reason"))?;
    let reason = if reason.is_none() {
        None
    } else {
        Some(reason.cast::<PyString>()?.to_str()?.to_owned())
    };
    let kind_value = block.getattr(intern!(py, "kind"))?;
    let kind = kind_value.cast::<PyString>()?.to_str()?;
    let mut one_hot: Vec<usize> = spec.kind_column(kind).into_iter().collect();
    if !keep {
        one_hot.extend(reason.as_deref().and_then(|r| spec.reason_column(r)));
    }
    let tag_path_value = block.getattr(intern!(py, "tag_path"))?;
    let tag_path = tag_path_value.cast::<PyString>()?.to_str()?;
    let attrs = block.getattr(intern!(py, "attrs"))?;
    let attrs = markup.columns(spec, attrs, false)?;
    one_hot.extend_from_slice(&markup.columns[attrs]);
    let tags = markup.columns(spec, tag_path_value.clone(), true)?;
    one_hot.extend_from_slice(&markup.columns[tags]);
    let main_content = block.getattr(intern!(py, "main_content"))?;
    let verdict = if main_content.is_none() {
        0.5
    } else if main_content.extract::<bool>()? {
        1.0
    } else {
        0.0
    };
    Ok(features::Block {
        text: python_text(&block.getattr(intern!(py, "text"))?)?,
        depth: tag_path.matches('/').count(),
        link_density: block.getattr(intern!(py, "link_density"))?.extract()?,
        verdict,
        start: block.getattr(intern!(py, "start"))?.extract()?,
        end: block.getattr(intern!(py, "end"))?.extract()?,
        collapsed: block.getattr(intern!(py, "collapsed"))?.extract()?,
        heading: spec.is_heading(kind),
        open: keep || evidence || reason.as_deref().is_some_and(|r| spec.is_open_reason(r)),
        one_hot,
    })
}

/// A Python string as UTF-8, a lone surrogate (which UTF-8 cannot hold) read as U+FFFD: one
/// character of the same classes to every feature (no letter, digit, space or stripped mark).
fn python_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let text = value.cast::<PyString>()?;
    if let Ok(utf8) = text.to_str() {
        return Ok(utf8.to_owned());
    }
    let encoded = text.call_method1(intern!(value.py(), "encode"), ("utf-8", "surrogatepass"))?;
    let mut bytes = encoded.cast::<PyBytes>()?.as_bytes().to_vec();
    // a surrogate is ED A0..BF xx in this encoding, and U+FFFD is EF BF BD: three bytes for three
    let mut i = 0;
    while i + 2 < bytes.len() {
        if bytes[i] == 0xED && bytes[i + 1] >= 0xA0 {
            bytes[i..i + 3].copy_from_slice("\u{FFFD}".as_bytes());
            i += 3;
        } else {
            i += 1;
        }
    }
    String::from_utf8(bytes).map_err(|error| PyValueError::new_err(error.to_string()))
}

/// An HTML page parsed by html5ever, ready to be cut into blocks (`cleaner.segment.blocks`).
///
/// `HtmlPage(text)` parses; `element_keys()` lists the page's distinct `(tag, attributes, role)`
/// for the rules; `segment(verdicts, noscript, open_hidden)` walks the page with the rules'
/// verdicts on those keys, in order.
#[pyclass(frozen, module = "cleaner._core", name = "HtmlPage")]
struct HtmlPage(segment::Page);

#[pymethods]
impl HtmlPage {
    /// Raises TimeoutError when parsing takes more than `seconds`.
    #[new]
    #[pyo3(signature = (text, seconds = None))]
    fn new(py: Python<'_>, text: &str, seconds: Option<f64>) -> PyResult<Self> {
        let deadline = seconds
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e9)
            .map(|s| std::time::Instant::now() + std::time::Duration::from_secs_f64(s));
        py.detach(|| segment::Page::parse(text, deadline))
            .map(Self)
            .ok_or_else(|| {
                PyTimeoutError::new_err("the page took longer than its time limit to parse")
            })
    }

    fn element_keys(&self) -> Vec<(String, String, String)> {
        self.0.keys.clone()
    }

    /// The length of the page's visible text, white space collapsed (`cleaner.segment.normalize.collapse`).
    #[getter]
    fn visible_chars(&self) -> usize {
        self.0.root_visible_chars()
    }

    /// Words of the markup outside tags, comments and scripts: what any parser's tree should hold about as much of.
    #[getter]
    fn markup_words(&self) -> usize {
        self.0.markup_words
    }

    /// The words of the page's visible text.
    #[getter]
    fn visible_words(&self) -> usize {
        self.0.root_visible_words()
    }

    /// `(blocks, marked, boxes, box_tags)`: each block a tuple of `cleaner.records.Block`'s fields
    /// from `text` to `box`, in its order; each marked element `(node, hidden, holds_prose)`.
    fn segment<'py>(
        &self,
        py: Python<'py>,
        verdicts: Vec<Option<(String, String)>>,
        noscript: bool,
        open_hidden: bool,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let verdicts: Vec<segment::Verdict> = verdicts
            .into_iter()
            .map(|v| v.map(|(reason, rule)| (reason.into(), rule.into())))
            .collect();
        let page = &self.0;
        let segmented = py.detach(|| page.segment(&verdicts, noscript, open_hidden));
        let mut blocks = Vec::with_capacity(segmented.blocks.len());
        let mut shared = Shared::default();
        for block in &segmented.blocks {
            blocks.push(block_tuple(py, block, &mut shared)?);
        }
        let marked: Vec<(u32, bool, bool)> = segmented
            .marked
            .iter()
            .map(|m| (m.node, m.hidden, m.holds_prose))
            .collect();
        (
            PyList::new(py, blocks)?,
            marked,
            segmented.boxes,
            segmented.box_tags,
        )
            .into_pyobject(py)
    }

    /// For each node, `(tag, class, id, n, total, fingerprint)`: the n-th of the `total` elements with
    /// that tag, class and id, and the first non-space characters of its text. ValueError for a number
    /// that is not one of the page's elements.
    fn locators(&self, nodes: Vec<u32>) -> PyResult<Vec<segment::Locator>> {
        self.0
            .locators(&nodes)
            .ok_or_else(|| PyValueError::new_err("not an element of this page"))
    }
}

/// The Python tuples of the blocks' class and id tokens and frames, made once for each one the core
/// shares between blocks: fewer objects for the garbage collector to track.
#[derive(Default)]
struct Shared<'py> {
    attrs: std::collections::HashMap<*const Vec<std::sync::Arc<str>>, Bound<'py, PyTuple>>,
    frames: std::collections::HashMap<*const segment::Frame, Bound<'py, PyTuple>>,
}

fn block_tuple<'py>(
    py: Python<'py>,
    block: &segment::Block,
    shared: &mut Shared<'py>,
) -> PyResult<Bound<'py, PyTuple>> {
    let attrs = match shared.attrs.entry(std::sync::Arc::as_ptr(&block.attrs)) {
        std::collections::hash_map::Entry::Occupied(found) => found.get().clone(),
        std::collections::hash_map::Entry::Vacant(slot) => slot
            .insert(PyTuple::new(py, block.attrs.iter().map(|a| &**a))?)
            .clone(),
    };
    let frame = match shared.frames.entry(std::sync::Arc::as_ptr(&block.frame)) {
        std::collections::hash_map::Entry::Occupied(found) => found.get().clone(),
        std::collections::hash_map::Entry::Vacant(slot) => {
            let items = block
                .frame
                .iter()
                .map(|f| f.into_pyobject(py))
                .collect::<PyResult<Vec<_>>>()?;
            slot.insert(PyTuple::new(py, items)?).clone()
        }
    };
    let inline = match &block.inline {
        None => py.None().into_bound(py),
        Some((pieces, marks)) => {
            let pieces = PyTuple::new(py, pieces)?;
            let marks = PyTuple::new(
                py,
                marks
                    .iter()
                    .map(|m| (m.piece, m.tag, m.opening, m.href.as_deref()).into_pyobject(py))
                    .collect::<PyResult<Vec<_>>>()?,
            )?;
            (pieces, marks).into_pyobject(py)?.into_any()
        }
    };
    let fields: Vec<Bound<'py, PyAny>> = vec![
        block.text.as_str().into_pyobject(py)?.into_any(),
        block.start.into_pyobject(py)?.into_any(),
        block.end.into_pyobject(py)?.into_any(),
        block.kind.into_pyobject(py)?.into_any(),
        (&*block.path).into_pyobject(py)?.into_any(),
        block.reason.as_deref().into_pyobject(py)?.into_any(),
        block.rule.as_deref().into_pyobject(py)?.into_any(),
        block.link_density.into_pyobject(py)?.into_any(),
        py.None().into_bound(py), // main_content: the verdict is asked later
        attrs.into_any(),
        pyo3::types::PyBool::new(py, block.collapsed)
            .to_owned()
            .into_any(),
        frame.into_any(),
        inline,
        block.box_.into_pyobject(py)?.into_any(),
    ];
    PyTuple::new(py, fields)
}

/// Panics, for the tests that check a panic reaches Python as an exception and a document's error.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>) {
    py.detach(|| panic!("a panic that the tests asked for"))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // the Unicode version of the Python character classes that the feature rows follow
    m.add("PYTHON_UNICODE", python_unicode::VERSION)?;
    m.add("PanicException", m.py().get_type::<PanicException>())?;
    m.add_function(wrap_pyfunction!(normalize_text, m)?)?;
    m.add_function(wrap_pyfunction!(segment_text, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_class::<Forest>()?;
    m.add_class::<Features>()?;
    m.add_class::<HtmlPage>()?;
    Ok(())
}
