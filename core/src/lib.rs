//! cleaner's compiled core, the Python extension module `cleaner._core`.
//!
//! Each function takes and returns plain Python values; the work runs with the GIL released
//! (`Python::detach`), so threads clean documents in parallel. A panic never crosses into Python:
//! PyO3 turns it into `PanicException` (exported here), which `cleaner.api` records as an internal
//! error of the one document. No function here recurses.

use pyo3::panic::PanicException;
use pyo3::prelude::*;

mod text;

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

/// Panics, for the tests that check a panic reaches Python as an exception and a document's error.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>) {
    py.detach(|| panic!("a panic that the tests asked for"))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("PanicException", m.py().get_type::<PanicException>())?;
    m.add_function(wrap_pyfunction!(normalize_text, m)?)?;
    m.add_function(wrap_pyfunction!(segment_text, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
