"""Risk registers: ``risks/<name>.yaml``, the model and its loader.

A plan names its register with ``risks: <name>``; the exception report lists the risks whose
residual score (likelihood x impact, each 1-5) reaches the threshold, as the seed does for
"high level risks (scoring 15 or above)".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from barnet_rag.errors import InputError, Problem
from barnet_rag.project.loading import load_model, locate
from barnet_rag.project.models import Plan

#: Risks scoring this or more are "high level risks" in the council's framework.
DEFAULT_THRESHOLD = 15

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

Score = Annotated[int, Field(strict=True, ge=1, le=5)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Risk(_Model):
    """One risk on a register, scored after mitigation (the residual risk)."""

    id: str = Field(
        min_length=1,
        description="The risk's reference on the register, unique within it.",
        examples=["CSCA001"],
    )
    title: str = Field(
        min_length=1,
        description="What could go wrong, as the report prints it.",
        examples=["Failure to respond to a major incident"],
    )
    owner: str = Field(
        min_length=1,
        description="Who manages the risk.",
        examples=["Head of Emergency Planning"],
    )
    likelihood: Score = Field(
        description="How likely the risk is after mitigation, from 1 (least likely) to 5 (most "
        "likely).",
        examples=[3],
    )
    impact: Score = Field(
        description="How bad it would be after mitigation, from 1 (least) to 5 (most "
        "severe). Likelihood × impact is the residual score; the report lists "
        "risks scoring 15 or more.",
        examples=[5],
    )
    mitigations: list[str] = Field(
        default_factory=list,
        description="What is done to reduce the risk: a list, or one line of text.",
        examples=[["Tested business continuity plans"]],
    )

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("mitigations", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def score(self) -> int:
        """The residual risk score: likelihood x impact, 1-25."""
        return self.likelihood * self.impact


class RiskRegister(_Model):
    """A service risk register: its short name, full title and risks."""

    name: str = Field(
        min_length=1,
        description="The register's short name, used in the report's sentences.",
        examples=["CSCA"],
    )
    title: str = Field(
        min_length=1,
        description="The register's full title.",
        examples=["Customer Strategy, Communications and Assurance (CSCA) service risk register"],
    )
    risks: list[Risk] = Field(
        default_factory=list, description="Every risk on the register, scored after mitigation."
    )

    def high(self, threshold: int = DEFAULT_THRESHOLD) -> list[Risk]:
        """Risks scoring ``threshold`` or more, highest score first (register order on ties)."""
        return sorted((r for r in self.risks if r.score >= threshold), key=lambda r: -r.score)


def register_path(root: Path, name: str) -> Path:
    """Where the register ``name`` lives: ``risks/<name>.yaml``."""
    return root / "risks" / f"{name}.yaml"


def _duplicate_ids(shown: str, register: RiskRegister) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, risk in enumerate(register.risks):
        if risk.id in seen:
            problems.append(
                Problem(
                    "duplicate-risk",
                    f"risk id {risk.id!r} appears more than once",
                    shown,
                    path=f"risks[{index}].id",
                    hint="give each risk its own id",
                )
            )
        seen.add(risk.id)
    return problems


def load_register(root: Path, name: str, named_in: str = "plans") -> RiskRegister:
    """Read ``risks/<name>.yaml``; a missing or invalid register is a located input error."""
    path = register_path(root, name)
    shown = f"risks/{name}.yaml"
    if not _NAME.match(name):
        raise InputError(
            locate(
                [
                    Problem(
                        "risk-register-name",
                        f"risk register name {name!r} is not a file name",
                        named_in,
                        path="risks",
                        hint="use letters, digits, '-' or '_', e.g. risks: csca",
                    )
                ],
                root,
            )
        )
    if not path.is_file():
        raise InputError(
            locate(
                [
                    Problem(
                        "missing-risk-register",
                        f"risk register {name!r} does not exist: {shown} not found",
                        named_in,
                        path="risks",
                        hint=f"create {shown} or remove the plan's risks key",
                    )
                ],
                root,
            )
        )
    register, problems = load_model(path, root, RiskRegister)
    if register is not None:
        problems = locate(_duplicate_ids(shown, register), root)
    if problems or register is None:
        raise InputError(problems)
    return register


def load_registers(
    root: Path, plans: Sequence[Plan], plan_files: Mapping[str, str]
) -> dict[str, RiskRegister]:
    """The registers named by ``plans``, keyed by register name (each read once)."""
    registers: dict[str, RiskRegister] = {}
    for plan in plans:
        if plan.risks is not None and plan.risks not in registers:
            named_in = plan_files.get(plan.plan, f"plans/{plan.plan}.yaml")
            registers[plan.risks] = load_register(root, plan.risks, named_in)
    return registers
