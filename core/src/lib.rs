//! cleaner's compiled core, the Python extension module `cleaner._core`.
//!
//! Each function takes and returns plain Python values; the work runs with the GIL released
//! (`Python::detach`), so threads clean documents in parallel. A panic never crosses into Python:
//! PyO3 turns it into `PanicException` (exported here), which `cleaner.api` records as an internal
//! error of the one document. No function here recurses.

use numpy::{PyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::panic::PanicException;
use pyo3::prelude::*;

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
    m.add_class::<Forest>()?;
    Ok(())
}
