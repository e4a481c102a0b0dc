"""Batch cleaning: worker processes, limits, the spool and resume, and ``cleaner clean`` end to end."""
