"""The endpoint handlers, one module per group of the catalog.

Every module here is imported by :func:`load`, so a new module with
``@handles(...)`` functions is picked up without touching the app.
"""

from __future__ import annotations

import importlib
import pkgutil


def load() -> None:
    """Import every handler module so that its handlers are registered."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
