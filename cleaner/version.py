"""The package version, apart from the package so that any module can read it without a cycle.

It is the compiled core's: core/Cargo.toml holds the one version, which maturin writes into the wheel's metadata.
"""

from cleaner._core import __version__

__all__ = ["__version__"]
