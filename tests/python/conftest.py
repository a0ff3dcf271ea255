import json
import math
import pathlib
from typing import Any, Dict

import pytest

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "vectors"


def load(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


def number(v: Any) -> float:
    """Numbers, or the strings NaN / Infinity / -Infinity that JSON cannot hold."""
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return float(v)


@pytest.fixture(scope="session")
def units_vectors() -> Dict[str, Any]:
    return load("units.json")


@pytest.fixture(scope="session")
def egfr_vectors() -> Dict[str, Any]:
    return load("egfr.json")
