"""The HTTP API and dashboard behind `detente serve` (`create_app`)."""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
