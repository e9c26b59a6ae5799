"""Rate one quarter with DuckDB SQL over the flat CSVs, as a baseline for barnet-rag.

Run as::

    python -m bench.duckdb_baseline OUTDIR --period Q3-2017 > out.csv

OUTDIR is a project made by ``bench.make_national``; this reads only its
``flat/targets.csv`` and ``flat/results.csv``. It prints CSV with the columns
``ref,rag,dot_short,dot_long``, one row per indicator that has a targets row for the
period, sorted by ref, for comparison with the same columns of
``barnet-rag rate PERIOD --format csv``.

The rules are DESIGN.md sections 4-6 with the ``barnet`` scheme, in IEEE doubles as the
package computes them:

- RAG: no result -> ``Not reported``; no numeric target -> ``Monitor``; the counted
  result is ``v' = v + c`` (bigger is better) or ``v - c`` (smaller), ``c`` the survey
  confidence interval or 0; met -> ``G``; shortfall ``|t - v'| / |t|`` (infinite when
  ``t = 0``) up to 0.05 -> ``GA``; else long-term DOT improving or same -> ``RA``;
  else ``R``.
- DOT against the previous quarter (short) and the same quarter last year (long): no
  result -> ``not reported``; no reference result -> ``not reported`` (short) or
  ``no comparison`` (long; ``new`` never occurs, the generator sets no ``since``); a
  result marked ``comparable=no`` in a quarter after the reference up to and including
  the current one -> ``not comparable``; ``|v - r| <= tolerance`` -> ``same``; else
  ``improving`` when the change goes the polarity's way, ``worsening`` otherwise.

The ``tolerance`` column of ``flat/targets.csv`` serves as both the survey interval of
the RAG and the DOT tolerance: the generator writes no ``dot_tolerance``, so the two agree.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import duckdb

OUTPUT_COLUMNS = ["ref", "rag", "dot_short", "dot_long"]

TARGET_COLUMNS = {
    "ref": "VARCHAR",
    "plan": "VARCHAR",
    "polarity": "VARCHAR",
    "unit": "VARCHAR",
    "financial_year": "VARCHAR",
    "quarter": "INTEGER",
    "target": "DOUBLE",
    "tolerance": "DOUBLE",
}
RESULT_COLUMNS = {
    "ref": "VARCHAR",
    "financial_year": "VARCHAR",
    "quarter": "INTEGER",
    "value": "DOUBLE",
    "comparable": "VARCHAR",
}

PERIOD_FORMS = (
    re.compile(r"^Q(?P<q>[1-4])-(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})/(?P<y2>\d{2})-Q(?P<q>[1-4])$"),
    re.compile(r"^(?P<y>\d{4})-(?P<y2>\d{2})-Q(?P<q>[1-4])$"),
    re.compile(r"^Q(?P<q>[1-4]) (?P<y>\d{4})/(?P<y2>\d{2})$"),
)

# A quarter's running number: consecutive quarters have consecutive numbers.
QUARTER_INDEX = "(CAST(left(financial_year, 4) AS INTEGER) * 4 + quarter - 1)"

TIDY_MACRO = "CREATE OR REPLACE MACRO tidy(x) AS {body}"

DOT_MACRO = """
CREATE OR REPLACE MACRO dot(v, r, broken, tol, polarity, no_ref) AS
    CASE
        WHEN v IS NULL THEN 'not reported'
        WHEN r IS NULL THEN no_ref
        WHEN broken THEN 'not comparable'
        WHEN tidy(abs(v - r)) <= tol THEN 'same'
        WHEN (polarity = 'bigger' AND v > r) OR (polarity = 'smaller' AND v < r)
            THEN 'improving'
        ELSE 'worsening'
    END
"""

RATE_SQL = f"""
WITH
targets AS (
    SELECT ref, polarity, target, tolerance
    FROM read_csv($targets, header = true, columns = {TARGET_COLUMNS!r})
    WHERE financial_year = $fy AND quarter = $q
),
results AS (
    SELECT ref, {QUARTER_INDEX} AS idx, value, coalesce(comparable = 'no', false) AS broken
    FROM read_csv($results, header = true, columns = {RESULT_COLUMNS!r})
    WHERE financial_year IN ($fy, $prev_fy)
),
window_ AS (
    SELECT
        ref,
        max(value) FILTER (WHERE idx = $cur) AS v,
        max(value) FILTER (WHERE idx = $cur - 1) AS r_short,
        max(value) FILTER (WHERE idx = $cur - 4) AS r_long,
        coalesce(bool_or(broken) FILTER (WHERE idx = $cur), false) AS broken_short,
        coalesce(bool_or(broken) FILTER (WHERE idx > $cur - 4 AND idx <= $cur), false)
            AS broken_long
    FROM results
    WHERE idx BETWEEN $cur - 4 AND $cur
    GROUP BY ref
),
dots AS (
    SELECT
        t.ref,
        t.polarity,
        t.target,
        t.tolerance,
        w.v,
        dot(w.v, w.r_short, w.broken_short, t.tolerance, t.polarity, 'not reported')
            AS dot_short,
        dot(w.v, w.r_long, w.broken_long, t.tolerance, t.polarity, 'no comparison')
            AS dot_long,
        tidy(CASE WHEN t.polarity = 'bigger' THEN w.v + t.tolerance ELSE w.v - t.tolerance END)
            AS counted
    FROM targets t LEFT JOIN window_ w USING (ref)
)
SELECT
    ref,
    CASE
        WHEN v IS NULL THEN 'Not reported'
        WHEN target IS NULL THEN 'Monitor'
        WHEN (polarity = 'bigger' AND counted >= target)
            OR (polarity = 'smaller' AND counted <= target) THEN 'G'
        WHEN target <> 0 AND tidy(abs(target - counted) / abs(target)) <= 0.05 THEN 'GA'
        WHEN dot_long IN ('improving', 'same') THEN 'RA'
        ELSE 'R'
    END AS rag,
    dot_short,
    dot_long
FROM dots
ORDER BY ref
"""


def parse_period(text: str) -> tuple[int, int]:
    """Parse a period in any form DESIGN section 1 accepts; return (start year, quarter)."""
    for form in PERIOD_FORMS:
        m = form.match(text.strip())
        if m is None:
            continue
        year = int(m.group("y"))
        if "y2" in m.groupdict() and int(m.group("y2")) != (year + 1) % 100:
            break
        return year, int(m.group("q"))
    raise argparse.ArgumentTypeError(
        f"bad period {text!r}: use Q3-2017, 2017/18-Q3, 2017-18-Q3 or 'Q3 2017/18'"
    )


def financial_year(year: int) -> str:
    """The financial year starting in ``year`` as plans write it, e.g. ``2017/18``."""
    return f"{year}/{(year + 1) % 100:02d}"


def rate(
    outdir: Path, year: int, quarter: int, precision: int | None = None
) -> list[tuple[str, str, str, str]]:
    """Rate every indicator for the quarter; rows of (ref, rag, dot_short, dot_long).

    With ``precision`` set, the counted result, the shortfall and ``|v - r|`` are rounded
    to that many decimal places before they are compared, which ignores float noise such
    as ``64.4 - 60.0 = 4.400000000000006``; without it the comparisons are raw IEEE.
    """
    params = {
        "targets": str(outdir / "flat" / "targets.csv"),
        "results": str(outdir / "flat" / "results.csv"),
        "fy": financial_year(year),
        "prev_fy": financial_year(year - 1),
        "q": quarter,
        "cur": year * 4 + quarter - 1,
    }
    with duckdb.connect() as con:
        tidy = "x" if precision is None else f"round(x, {int(precision)})"
        con.execute(TIDY_MACRO.format(body=tidy))
        con.execute(DOT_MACRO)
        rows = con.execute(RATE_SQL, params).fetchall()
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: print the ratings as CSV on standard output."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.duckdb_baseline",
        description="Rate a quarter with DuckDB SQL over OUTDIR/flat/*.csv.",
    )
    parser.add_argument("outdir", type=Path, help="project made by bench.make_national")
    parser.add_argument(
        "--period", type=parse_period, required=True, help="quarter to rate, e.g. Q3-2017"
    )
    parser.add_argument(
        "--precision",
        type=int,
        default=9,
        metavar="N",
        help="round counted results, shortfalls and changes to N decimals before comparing, "
        "as barnet-rag does (docs/rules.md); default 9",
    )
    args = parser.parse_args(argv)
    for name in ("targets.csv", "results.csv"):
        if not (args.outdir / "flat" / name).is_file():
            print(
                f"error: {args.outdir / 'flat' / name} not found; "
                "run python -m bench.make_national first",
                file=sys.stderr,
            )
            return 2
    year, quarter = args.period
    rows = rate(args.outdir, year, quarter, args.precision)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
