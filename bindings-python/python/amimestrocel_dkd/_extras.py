"""Optional dependencies, by extra: a function that needs one imports it here, and if it is not
installed says which extra brings it (``pip install 'amimestrocel-dkd[pandas]'``) instead of a
bare ``ModuleNotFoundError``.

>>> from amimestrocel_dkd._extras import require
>>> require("numpy", "screening").__name__
'numpy'
"""

from __future__ import annotations

import importlib
from typing import Any, Dict

__all__ = ["EXTRAS", "MissingExtraError", "require"]

#: The module each extra of the package installs (``pyproject.toml``'s optional dependencies).
EXTRAS: Dict[str, str] = {"pandas": "pandas", "pyarrow": "arrow", "polars": "polars", "duckdb": "duckdb",
                          "pyspark": "spark", "matplotlib.pyplot": "plot"}


class MissingExtraError(ModuleNotFoundError):
    """A function needs an optional dependency that is not installed; ``extra`` names the
    extra of this package that installs it, ``name`` the module."""

    def __init__(self, module: str, extra: str, by: str) -> None:
        super().__init__(f"{by} needs {module}: pip install 'amimestrocel-dkd[{extra}]'", name=module)
        self.extra = extra


def require(module: str, by: str) -> Any:
    """The module, imported; :class:`MissingExtraError` (a ``ModuleNotFoundError``) naming the
    extra to install when it is not there. ``by`` names the function that needs it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name != module:  # the module is there but something it imports is not
            raise
        raise MissingExtraError(module, EXTRAS.get(module, module), by) from None
