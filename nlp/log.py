"""Structured logging (JSON lines on stderr) so batch runs and the service can be grepped and parsed."""

from __future__ import annotations

import logging
import os
import sys

import structlog

_CONFIGURED = False


def configure(level: str | None = None, json: bool | None = None) -> None:
    global _CONFIGURED
    level = (level or os.environ.get("GOVLINT_LOG_LEVEL", "WARNING")).upper()
    json = json if json is not None else os.environ.get("GOVLINT_LOG_FORMAT", "json") == "json"
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING), format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level, logging.WARNING)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    _CONFIGURED = True


def get_logger(name: str):
    if not _CONFIGURED:
        configure()
    return structlog.get_logger(name)
