"""readylint: a production-readiness linter for backend code."""

__version__ = "0.1.0"
