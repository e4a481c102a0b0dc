"""Site rules in a batch: which of their domains the batch's documents were on.

A site rule applies only to pages on its domains, known from the URL given with a document or the
one a page declares. A batch where no document was on a ruleset's domains ran those rules on nothing,
which is almost always a missing URL (a folder of saved pages, a JSONL file without its url field)
rather than the user's intent: the run says so once, at its end.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cleaner.rules import RuleSet


class SiteUse:
    """The site domains of a ruleset, by the file that names them, and those a document was on."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.files: dict[str, set[str]] = {}
        for rule in ruleset.rules:
            if rule.domains:
                self.files.setdefault(rule.origin, set()).update(rule.domains)
        self.domains = frozenset(d for domains in self.files.values() for d in domains)
        self.seen: set[str] = set()

    def add(self, url: str | None) -> None:
        """Count a document at ``url`` (its record's URL: the one given, else the one the page declares)."""
        if not self.domains or not url or len(self.seen) == len(self.domains):
            return
        host = (urlsplit(url).hostname or "").lower()
        self.seen.update(d for d in self.domains if host == d or host.endswith("." + d))

    def warnings(self, documents: int) -> list[str]:
        """One line for each rule file none of whose domains any of the ``documents`` was on."""
        return [
            f"cleaner: warning: the site rules of {origin} ({', '.join(sorted(domains))}) applied to none of the"
            f" {documents} document{'s' * (documents != 1)}: no document's URL was on their domains (give it with"
            " --url or a JSONL url field, or clean pages that declare theirs: canonical link, og:url)"
            for origin, domains in sorted(self.files.items())
            if documents and not domains & self.seen
        ]
