"""Batch scan of crawled sites (`govlint scan`): pass 1 analyses pages in parallel and resumably into
SQLite; pass 2 links interpretations to documents and derives the inspection flags. See docs/scan.md."""
