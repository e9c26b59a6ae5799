"""rated.builder: the engine's fast constructors give the same frozen values as the classes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from barnet_rag.engine import rated


@pytest.mark.parametrize(
    ("cls", "build"),
    [
        (rated.SpecialCause, rated.build_special_cause),
        (rated.SpcResult, rated.build_spc_result),
        (rated.DotTrace, rated.build_dot_trace),
        (rated.BandTrial, rated.build_band_trial),
        (rated.RatingTrace, rated.build_rating_trace),
        (rated.RatedIndicator, rated.build_rated_indicator),
    ],
)
def test_a_built_value_is_the_value_the_class_makes(cls: type, build: Any) -> None:
    values = {f.name: f"v{k}" for k, f in enumerate(dataclasses.fields(cls))}
    made, built = cls(**values), build(**values)
    assert type(built) is cls
    assert built == made
    assert repr(built) == repr(made)
    name = next(iter(values))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, name, "changed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(built, name)
    with pytest.raises(TypeError):  # every field is given: none is left at a default
        build(**{k: v for k, v in values.items() if k != name})
