"""Assemble and write: the record, its provenance, the output formats and the explain report."""
