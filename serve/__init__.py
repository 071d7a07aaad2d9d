"""HTTP API and the editors' web page (FastAPI). Start with `govlint serve`; see docs/api.md."""
