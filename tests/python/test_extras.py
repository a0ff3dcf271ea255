"""Optional dependencies (issue 15): a function that needs an extra that is not installed says
which extra to install, as a ModuleNotFoundError naming the module."""

from __future__ import annotations

import sys
from typing import Any, Callable

import pytest

from amimestrocel_dkd import endpoints, instruments, schedule, screening
from amimestrocel_dkd._extras import MissingExtraError, require

NEEDS_PANDAS: list[tuple[str, Callable[[], Any]]] = [
    ("screen_many", lambda: screening.screen_many([])),
    ("visit_status_frame", lambda: schedule.visit_status_frame([], "2025-01-01")),
    ("score_frame", lambda: instruments.score_frame(object())),
    ("endpoints", lambda: endpoints.derive([]).bds),
]


@pytest.mark.parametrize("name,call", NEEDS_PANDAS, ids=[n for n, _ in NEEDS_PANDAS])
def test_a_function_that_needs_pandas_names_the_extra_when_pandas_is_missing(
    name: str, call: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module set to None in sys.modules cannot be imported: as if it were not installed.
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError) as info:
        call()
    assert isinstance(info.value, ModuleNotFoundError)
    assert info.value.name == "pandas" and info.value.extra == "pandas"
    assert "pip install 'amimestrocel-dkd[pandas]'" in str(info.value)
    assert name in str(info.value)


def test_an_extra_that_is_installed_is_imported() -> None:
    assert require("numpy", "a test").__name__ == "numpy"


def test_a_module_missing_inside_an_installed_one_is_not_blamed_on_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    def broken(name: str) -> Any:
        raise ModuleNotFoundError("No module named 'dependency_of_pandas'", name="dependency_of_pandas")

    monkeypatch.setattr(importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError) as info:
        require("pandas", "a test")
    assert not isinstance(info.value, MissingExtraError)
    assert info.value.name == "dependency_of_pandas"
