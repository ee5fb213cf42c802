"""Helpers of the mart DAG."""

from __future__ import annotations

import dataclasses
import json
from typing import Any


def summary(result: object) -> dict[str, Any]:
    """A JSON-safe dict of a pipeline result (dataclass or pydantic model), for XCom and asset event extras."""
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        data: Any = dataclasses.asdict(result)
    elif hasattr(result, "model_dump"):
        data = result.model_dump(mode="json")
    else:
        data = {"result": result}
    return json.loads(json.dumps(data, default=str))
