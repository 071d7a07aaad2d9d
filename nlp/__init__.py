"""govlint: checks what Chinese government websites publish."""

__version__ = "0.1.0"
