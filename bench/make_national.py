"""Generate a deterministic national-scale barnet-rag project for benchmarks.

Run as::

    python -m bench.make_national --councils 400 --indicators 250 --quarters 12 OUTDIR

and OUTDIR receives a project in the formats of DESIGN.md sections 2 and 3:

- ``plans/council-NNN.yaml``: one plan per council, indicator refs ``CNNN/INNNN`` unique
  across plans, a per-plan ``RPS`` survey (confidence interval 4.4) used by about 10% of
  the indicators, targets per financial year ``{annual: N, Q1: N, ...}`` with about 20%
  ``monitor`` quarters (and about 10% of quarters left out, so they fall back to
  ``annual``);
- ``results/<yyyy-yy>/Q<n>.csv``: the given number of consecutive quarters ending at the
  ``--end`` quarter (Q3 2017/18 by default), columns ``ref,value,label,comparable``, about
  3% blank values and very occasional ``comparable=no`` (with a level shift, as when a
  method changes).

Then, outside the timed part, it writes the same data flattened for a SQL baseline:

- ``flat/targets.csv``: ``ref,plan,polarity,unit,financial_year,quarter,target,tolerance``,
  one row per indicator and quarter in the range, ``target`` resolved as DESIGN section 2
  says (blank when Monitor), ``tolerance`` the survey confidence interval or 0;
- ``flat/results.csv``: ``ref,financial_year,quarter,value,comparable``, read back from
  the results files so it holds exactly what they hold.

The same ``--seed`` and sizes always give byte-identical output.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 20171231
SURVEY = "RPS"
SURVEY_TITLE = "Residents' Perception Survey"
SURVEY_CI = 4.4
QUARTER_KEYS = ("Q1", "Q2", "Q3", "Q4")
RESULTS_HEADER = ["ref", "value", "label", "comparable"]
FLAT_TARGETS_HEADER = [
    "ref",
    "plan",
    "polarity",
    "unit",
    "financial_year",
    "quarter",
    "target",
    "tolerance",
]
FLAT_RESULTS_HEADER = ["ref", "financial_year", "quarter", "value", "comparable"]

P_SURVEY = 0.10
P_MONITOR_QUARTER = 0.20
P_OMITTED_QUARTER = 0.10
P_BLANK = 0.03
P_REPEAT = 0.04
P_NOT_COMPARABLE = 0.002

COMMITTEES = (
    "Community Leadership",
    "Adults and Safeguarding",
    "Children, Education, Libraries and Safeguarding",
    "Environment",
    "Housing",
    "Assets, Regeneration and Growth",
    "Policy and Resources",
    "Health and Wellbeing",
)
SUBJECTS = (
    "residents",
    "tenants",
    "service users",
    "carers",
    "young people",
    "older people",
    "businesses",
    "households",
    "pupils",
    "visitors",
)
OUTCOMES = {  # by polarity: what it is better to have more of, or less of
    "bigger": (
        "satisfied with street cleaning",
        "who feel safe after dark",
        "supported to live independently",
        "reporting a positive experience",
        "recycling household waste",
        "seen within target time",
        "in settled accommodation",
        "in education, employment or training",
        "using online services",
        "volunteering at least once a month",
    ),
    "smaller": (
        "who feel unsafe after dark",
        "waiting over 18 weeks",
        "re-referred within 12 months",
        "not in education, employment or training",
        "living in overcrowded homes",
        "reporting loneliness",
        "dissatisfied with their repairs service",
        "in arrears with council tax",
    ),
}
COUNTED = {
    "bigger": (
        "library visits",
        "new homes completed",
        "potholes repaired",
        "empty homes brought back into use",
        "apprenticeships started",
        "adults taking up direct payments",
    ),
    "smaller": (
        "missed bin collections",
        "fly-tipping incidents",
        "households in temporary accommodation",
        "complaints upheld",
        "delayed transfers of care",
        "anti-social behaviour reports",
    ),
}
RARE = (
    "serious incidents",
    "data breaches reported to the regulator",
    "fatal road collisions",
    "children missing from care for over 24 hours",
    "schools judged inadequate",
)
SEASONS = ("Summer", "Autumn", "Winter", "Spring")  # Q1 (Apr-Jun) .. Q4 (Jan-Mar)

PERIOD_RE = re.compile(r"^Q([1-4])-(\d{4})$")


@dataclass(frozen=True)
class Quarter:
    """One quarter of a financial year; ``year`` is the year the financial year starts."""

    year: int
    q: int

    @property
    def index(self) -> int:
        """A running number: consecutive quarters have consecutive indexes."""
        return self.year * 4 + self.q - 1

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        """The quarter with the given running number."""
        return cls(index // 4, index % 4 + 1)

    @property
    def financial_year(self) -> str:
        """The financial year as written in plans, e.g. ``2017/18``."""
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def directory(self) -> str:
        """The results directory name, e.g. ``2017-18``."""
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def season_label(self) -> str:
        """A survey-style label such as ``Autumn 2017`` (Q4 falls in the next calendar year)."""
        return f"{SEASONS[self.q - 1]} {self.year + (1 if self.q == 4 else 0)}"


@dataclass
class Indicator:
    """An indicator's plan entry plus the hidden parameters its results are drawn from."""

    ref: str
    title: str
    type: str
    polarity: str
    unit: str
    kind: str  # pct | rate | count | rare
    survey: bool
    base: float
    trend: float
    sd: float
    targets: dict[str, dict[str, str]] = field(default_factory=dict)
    last: str = ""

    @property
    def decimals(self) -> int:
        """Decimal places of results and targets."""
        return 1 if self.kind in ("pct", "rate") else 0


def fmt(x: float, decimals: int) -> str:
    """Format a number as results and plans carry it: ``68``, ``69.4``, ``1234``."""
    if decimals == 0:
        return str(round(x))
    text = f"{x:.{decimals}f}"
    return text[:-2] if text.endswith(".0") else text


def parse_end(text: str) -> Quarter:
    """Parse the ``--end`` option, in the command line form ``Q3-2017``."""
    m = PERIOD_RE.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected a quarter like Q3-2017, got {text!r}")
    return Quarter(int(m.group(2)), int(m.group(1)))


def clamp(x: float, unit: str) -> float:
    """Keep a value in its unit's range: 0-100 for percent, non-negative for numbers."""
    if x < 0.0:
        return 0.0
    if unit == "percent" and x > 100.0:
        return 100.0
    return x


def make_indicator(rng: random.Random, ref: str, quarters: list[Quarter]) -> Indicator:
    """Draw one indicator: its kind, polarity, level, trend, noise and targets."""
    survey = rng.random() < P_SURVEY
    roll = rng.random()
    if survey or roll < 0.55:
        kind, unit = "pct", "percent"
    elif roll < 0.70:
        kind, unit = "rate", "number"
    elif roll < 0.93:
        kind, unit = "count", "number"
    else:
        kind, unit = "rare", "number"
    polarity = "smaller" if kind == "rare" or rng.random() >= 0.6 else "bigger"
    if kind == "pct":
        base = rng.uniform(40.0, 95.0) if polarity == "bigger" else rng.uniform(3.0, 45.0)
        sd = rng.uniform(2.0, 4.0) if survey else rng.uniform(0.5, 3.0)
        trend = rng.gauss(0.0, 0.4)
        subject, outcome = rng.choice(SUBJECTS), rng.choice(OUTCOMES[polarity])
        title = f"Percentage of {subject} {outcome}"
        if survey:
            title += f" ({SURVEY})"
    elif kind == "rate":
        base = rng.uniform(1.0, 60.0)
        sd = base * rng.uniform(0.02, 0.10)
        trend = base * rng.gauss(0.0, 0.01)
        title = f"Rate of {rng.choice(COUNTED[polarity])} per 1,000 {rng.choice(SUBJECTS)}"
    elif kind == "count":
        base = 10.0 ** rng.uniform(1.3, 3.8)
        sd = base * rng.uniform(0.02, 0.08)
        trend = base * rng.gauss(0.0, 0.01)
        title = f"Number of {rng.choice(COUNTED[polarity])}"
    else:
        base = rng.uniform(0.0, 4.0)
        sd = rng.uniform(0.5, 1.5)
        trend = 0.0
        title = f"Number of {rng.choice(RARE)}"
    ind = Indicator(
        ref=ref,
        title=title,
        type="CPI" if rng.random() < 0.4 else "SPI",
        polarity=polarity,
        unit=unit,
        kind=kind,
        survey=survey,
        base=base,
        trend=trend,
        sd=sd,
    )
    first = quarters[0].index
    years = sorted({q.year for q in quarters})
    direction = 1.0 if polarity == "bigger" else -1.0
    for year in years:
        mid = Quarter(year, 2).index - first
        centre = base + trend * mid
        if kind == "pct":
            annual = clamp(centre + direction * rng.gauss(0.5, 2.5), unit)
            if rng.random() < 0.6:
                annual = float(round(annual))
        elif kind == "rare":
            annual = 0.0 if rng.random() < 0.5 else float(round(centre))
        else:
            annual = clamp(centre * (1.0 + direction * rng.gauss(0.01, 0.05)), unit)
        annual_text = fmt(annual, ind.decimals)
        entry = {"annual": annual_text}
        for key in QUARTER_KEYS:
            roll = rng.random()
            if roll < P_MONITOR_QUARTER:
                entry[key] = "monitor"
            elif roll < P_MONITOR_QUARTER + P_OMITTED_QUARTER:
                continue  # falls back to the annual target
            elif roll < 0.75:
                entry[key] = annual_text
            else:
                wobble = clamp(annual * (1.0 + rng.gauss(0.0, 0.03)), unit)
                entry[key] = fmt(wobble, ind.decimals)
        ind.targets[Quarter(year, 1).financial_year] = entry
    return ind


def quarter_target(ind: Indicator, quarter: Quarter) -> str:
    """The target for a quarter as DESIGN section 2 resolves it; blank for Monitor."""
    entry = ind.targets.get(quarter.financial_year)
    if entry is None:
        return ""
    text = entry.get(f"Q{quarter.q}", entry["annual"])
    return "" if text == "monitor" else text


def plan_yaml(slug: str, committee: str, indicators: list[Indicator]) -> str:
    """Render one plan file (DESIGN section 2) by string formatting."""
    lines = [
        f"plan: {slug}",
        f"committee: {json.dumps(committee)}",
        f"title: {json.dumps(committee + ' Committee Commissioning Plan')}",
        "scheme: barnet",
        "surveys:",
        f"  {SURVEY}:",
        f"    title: {json.dumps(SURVEY_TITLE)}",
        f"    confidence_interval: {SURVEY_CI}",
        "indicators:",
    ]
    for ind in indicators:
        lines.append(f"  - ref: {ind.ref}")
        lines.append(f"    title: {json.dumps(ind.title)}")
        lines.append(f"    type: {ind.type}")
        lines.append(f"    polarity: {ind.polarity}")
        lines.append(f"    unit: {ind.unit}")
        if ind.survey:
            lines.append(f"    survey: {SURVEY}")
        lines.append("    targets:")
        for year, entry in ind.targets.items():
            body = ", ".join(f"{k}: {v}" for k, v in entry.items())
            lines.append(f"      {year}: {{{body}}}")
    lines.append("")
    return "\n".join(lines)


def next_value(rng: random.Random, ind: Indicator, offset: int) -> tuple[str, str]:
    """Draw the result for an indicator ``offset`` quarters into the range.

    Returns ``(value, comparable)``; value is ``""`` when not reported and comparable is
    ``"no"`` when the method changed with this result.
    """
    if rng.random() < P_BLANK:
        return "", ""
    if ind.last and rng.random() < P_REPEAT:
        return ind.last, ""
    comparable = ""
    if rng.random() < P_NOT_COMPARABLE:
        comparable = "no"
        ind.base *= rng.choice((0.3, 0.6, 1.5, 3.0))
        if ind.unit == "percent":
            ind.base = min(ind.base, 98.0)
    x = clamp(ind.base + ind.trend * offset + rng.gauss(0.0, ind.sd), ind.unit)
    value = fmt(x, ind.decimals)
    ind.last = value
    return value, comparable


def generate(
    outdir: Path, councils: int, per_council: int, quarters: list[Quarter], seed: int
) -> list[tuple[str, list[Indicator]]]:
    """Write plans and results into ``outdir``; return the plans for the flat export."""
    rng = random.Random(seed)
    cwidth = max(3, len(str(councils)))
    iwidth = max(4, len(str(per_council)))
    plans_dir = outdir / "plans"
    plans_dir.mkdir(parents=True, exist_ok=True)
    plans: list[tuple[str, list[Indicator]]] = []
    for c in range(1, councils + 1):
        slug = f"council-{c:0{cwidth}d}"
        committee = f"Council {c:0{cwidth}d} {rng.choice(COMMITTEES)}"
        indicators = [
            make_indicator(rng, f"C{c:0{cwidth}d}/I{i:0{iwidth}d}", quarters)
            for i in range(1, per_council + 1)
        ]
        (plans_dir / f"{slug}.yaml").write_text(
            plan_yaml(slug, committee, indicators), encoding="utf-8"
        )
        plans.append((slug, indicators))
    everyone = [ind for _, inds in plans for ind in inds]
    for offset, quarter in enumerate(quarters):
        qdir = outdir / "results" / quarter.directory
        qdir.mkdir(parents=True, exist_ok=True)
        label = quarter.season_label
        rows: list[tuple[str, str, str, str]] = []
        for ind in everyone:
            value, comparable = next_value(rng, ind, offset)
            rows.append((ind.ref, value, label if ind.survey and value else "", comparable))
        with (qdir / f"Q{quarter.q}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(RESULTS_HEADER)
            writer.writerows(rows)
    return plans


def write_flat(
    outdir: Path, plans: list[tuple[str, list[Indicator]]], quarters: list[Quarter]
) -> None:
    """Write ``flat/targets.csv`` and ``flat/results.csv`` for the SQL baseline."""
    flat = outdir / "flat"
    flat.mkdir(parents=True, exist_ok=True)
    with (flat / "targets.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FLAT_TARGETS_HEADER)
        for slug, indicators in plans:
            for ind in indicators:
                tolerance = str(SURVEY_CI) if ind.survey else "0"
                writer.writerows(
                    (
                        ind.ref,
                        slug,
                        ind.polarity,
                        ind.unit,
                        quarter.financial_year,
                        quarter.q,
                        quarter_target(ind, quarter),
                        tolerance,
                    )
                    for quarter in quarters
                )
    with (flat / "results.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FLAT_RESULTS_HEADER)
        for quarter in quarters:
            path = outdir / "results" / quarter.directory / f"Q{quarter.q}.csv"
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                writer.writerows(
                    (ref, quarter.financial_year, quarter.q, value, comparable)
                    for ref, value, _label, comparable in reader
                )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.make_national",
        description="Generate a deterministic national-scale barnet-rag project.",
    )
    parser.add_argument("outdir", type=Path, help="directory to write the project into")
    parser.add_argument("--councils", type=int, default=400, help="plans (default 400)")
    parser.add_argument(
        "--indicators", type=int, default=250, help="indicators per plan (default 250)"
    )
    parser.add_argument("--quarters", type=int, default=12, help="quarters (default 12)")
    parser.add_argument(
        "--end", type=parse_end, default=Quarter(2017, 3), help="last quarter (default Q3-2017)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--no-flat", action="store_true", help="skip the flat/ export")
    args = parser.parse_args(argv)
    if args.councils < 1 or args.indicators < 1 or args.quarters < 1:
        parser.error("--councils, --indicators and --quarters must be at least 1")
    end: Quarter = args.end
    quarters = [Quarter.from_index(i) for i in range(end.index - args.quarters + 1, end.index + 1)]
    start = time.perf_counter()
    plans = generate(args.outdir, args.councils, args.indicators, quarters, args.seed)
    took = time.perf_counter() - start
    print(
        f"wrote {args.councils} plans x {args.indicators} indicators x {args.quarters} "
        f"quarters ({quarters[0].financial_year} Q{quarters[0].q} to "
        f"{end.financial_year} Q{end.q}) in {took:.2f}s",
        file=sys.stderr,
    )
    if not args.no_flat:
        start = time.perf_counter()
        write_flat(args.outdir, plans, quarters)
        took = time.perf_counter() - start
        print(f"wrote flat/targets.csv and flat/results.csv in {took:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
