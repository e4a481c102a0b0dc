"""Parse and segment: the page as a tree, its blocks (or a text's lines), and trafilatura's
main-content verdict on them; ``fast`` is the fast preset's main-content step in their place."""
