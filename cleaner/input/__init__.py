"""Read and decode: where documents come from (files, directories, stdin, JSON Lines, WARC, URLs),
bytes to text, and whether the text is HTML or already-extracted text."""
