"""The SPC reading of many series at once with numpy, for :mod:`barnet_rag.outputs.fastpath`.

:func:`~barnet_rag.engine.spc.read_scaled` is the specification; this computes, for a whole part
of a national project, just what a row of ``rate --format csv`` shows of it: the latest
point's variation, the assurance, the centre and the displayed limits. The arithmetic is
read_scaled's own, on whole numbers in int64 arrays, for series whose size keeps every
product below 2**62; any other series is read by read_scaled itself. The latest point's
type follows from the rules without listing every pattern: a side-based pattern (outside
the limits, a shift, two of three beyond 2 sigma) covering it decides by its side, which is
the point's own side; otherwise a trend ending at it decides by the trend's direction.
A hypothesis test proves the readings equal read_scaled's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from barnet_rag.engine.spc import _P, _Q, _SCALE, Rules, read_scaled

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]

S = TypeVar("S", str, str | None)
#: The columns of a row this module computes: variation, assurance, centre, display limits.
Summary = tuple[str, str | None, float | None, float | None, float | None]

_VARIATIONS: tuple[str, ...] = (
    "common cause",
    "special cause improving",
    "special cause concerning",
)
_ASSURANCES: tuple[str | None, ...] = (
    None,
    "hit and miss",
    "consistently fails",
    "consistently meets",
)
#: Every whole number formed in int64 here stays below this in magnitude (2**63 overflows).
_BOUND = 2**62
#: Groups of fewer series of one length are read by read_scaled: importing numpy costs
#: more than it saves (a small project needs no numpy at all).
MIN_GROUP = 64
#: Floats divided in numpy equal Python's correctly rounded int / int below this.
_EXACT = 2**53


def read_many(
    series: Sequence[Sequence[int]],
    targets: Sequence[int | None],
    polarity: Sequence[str],
    percent: Sequence[bool],
    rules: Rules,
    min_group: int = MIN_GROUP,
) -> list[Summary]:
    """For each series (millionths, oldest first) what :func:`read_scaled` gives of
    (variation, assurance, centre, display_lower, display_upper), in order; series of
    one length are read side by side when there are ``min_group`` or more of them."""
    out: list[Summary | None] = [None] * len(series)
    by_length: dict[int, list[int]] = {}
    for index, values in enumerate(series):
        if len(values) < rules.min_points:
            out[index] = ("insufficient data", None, None, None, None)
        else:
            by_length.setdefault(len(values), []).append(index)
    for count, indices in by_length.items():
        if len(indices) >= min_group:
            _read_group(count, indices, series, targets, polarity, percent, rules, out)
    for index, summary in enumerate(out):
        if summary is None:
            out[index] = _scalar(
                series[index], targets[index], polarity[index], percent[index], rules
            )
    return [s for s in out if s is not None]


def _scalar(
    values: Sequence[int], target: int | None, polarity: str, percent: bool, rules: Rules
) -> Summary:
    reading = read_scaled(values, polarity, target, "percent" if percent else "number", rules)
    return (
        reading.variation,
        reading.assurance,
        reading.centre,
        reading.display_lower,
        reading.display_upper,
    )


def _read_group(
    count: int,
    indices: list[int],
    series: Sequence[Sequence[int]],
    targets: Sequence[int | None],
    polarity: Sequence[str],
    percent: Sequence[bool],
    rules: Rules,
    out: list[Summary | None],
) -> None:
    """Read the series of one length side by side; rows too large are left for _scalar."""
    import numpy as np

    gaps = count - 1
    factor = 3 * _Q * gaps
    # Every number formed below is at most 800·count·gaps·M in magnitude, M the largest
    # |value| or |target| (deviations 2·count·factor·M, the width 3·P·2·gaps·count·M,
    # base ± spread, the target's distance 2·count·factor·M), so rows with M below
    # `largest` cannot overflow; a larger target's distance is computed in Python ints.
    # Values are at most 10**18 (resultsfile.MAX_MAGNITUDE in millionths), so every row
    # fits int64 before the check.
    largest = _BOUND // (800 * count * gaps)
    try:
        values: Ints = np.array([series[i] for i in indices], dtype=np.int64)
    except OverflowError:  # pragma: no cover - guarded by MAX_MAGNITUDE
        return
    fits = np.abs(values).max(axis=1) < largest
    if not fits.any():
        return
    kept = [indices[k] for k in np.flatnonzero(fits).tolist()]
    v = values[fits]
    total = v.sum(axis=1)
    moving = np.abs(np.diff(v, axis=1)).sum(axis=1)
    scale = count * factor
    deviation = scale * v - (total * factor)[:, None]
    spread = _P * moving * count
    width = 3 * spread
    two_sigma = 2 * spread
    side = np.sign(deviation)
    last_side = side[:, -1]
    last = deviation[:, -1]
    # Side-based patterns covering the latest point.
    covered = np.abs(last) > width
    run = np.ones(len(kept), dtype=np.int64)
    alive = last_side != 0
    for j in range(count - 2, -1, -1):
        alive &= side[:, j] == last_side
        run += alive
    covered |= (last_side != 0) & (run >= rules.shift)
    if rules.two_of_three and count >= 3:
        window = (side[:, -3] == last_side) & (side[:, -2] == last_side) & (last_side != 0)
        far = (np.abs(deviation[:, -3:]) > two_sigma[:, None]).sum(axis=1)
        covered |= window & (np.abs(last) > two_sigma) & (far >= 2)
    # A trend ending at the latest point: the trailing run of equal steps.
    steps = np.sign(np.diff(v, axis=1))
    last_step = steps[:, -1]
    trend_run = np.ones(len(kept), dtype=np.int64)
    alive = last_step != 0
    for j in range(count - 3, -1, -1):
        alive &= steps[:, j] == last_step
        trend_run += alive
    trending = (last_step != 0) & (trend_run >= rules.trend - 1)
    # The latest point's side or the trend's direction, as +1 high / -1 low / 0 none.
    decided = np.where(covered, last_side, np.where(trending, last_step, 0))
    # Centre and limits: one correctly rounded division each, as read_scaled's floats.
    base = total * (_Q * gaps)
    denominator = count * _Q * gaps * _SCALE
    centres, lowers, uppers = _divide(
        [total, base - spread, base + spread], [count * _SCALE, denominator, denominator]
    )
    good = np.array([polarity[i] == "bigger" for i in kept], dtype=bool)
    good_sign = np.where(good, 1, -1)
    variation = _pick(_VARIATIONS, np.where(decided == 0, 0, np.where(decided == good_sign, 1, 2)))
    # The target's distance from the centre against the width, as read_scaled's _assurance.
    wanted = [targets[i] for i in kept]
    given = np.array([t is not None for t in wanted], dtype=bool)
    small = np.array([t is not None and abs(t) < largest for t in wanted], dtype=bool)
    target = np.array([t if ok else 0 for t, ok in zip(wanted, small, strict=True)], np.int64)
    distance = (count * target - total) * factor
    beyond = np.where(distance > width, 1, np.where(distance < -width, -1, 0))
    for k in np.flatnonzero(given & ~small).tolist():
        far = (count * int(wanted[k] or 0) - int(total[k])) * factor
        beyond[k] = 1 if far > int(width[k]) else -1 if far < -int(width[k]) else 0
    # beyond: 1 above the upper limit, -1 below the lower. A target beyond the limit on the
    # better side is out of the process's reach (fails); on the worse side it always meets.
    met = np.where(beyond == 0, 1, np.where(beyond == good_sign, 2, 3))
    assurance = _pick(_ASSURANCES, np.where(given, met, 0))
    for k, index in enumerate(kept):
        lower, upper = lowers[k], uppers[k]
        if percent[index]:
            lower, upper = min(max(lower, 0.0), 100.0), min(max(upper, 0.0), 100.0)
        out[index] = (variation[k], assurance[k], centres[k], lower, upper)


def _pick(names: tuple[S, ...], codes: npt.NDArray[np.int64]) -> list[S]:
    """``names[code]`` for each code, as a list."""
    return [names[code] for code in codes.tolist()]


def _divide(numerators: list[Ints], denominators: list[int]) -> list[list[float]]:
    """Each numerator column over its denominator as Python floats, correctly rounded:
    in numpy where every operand is exact as a double, else as Python int / int."""
    import numpy as np

    quotients = []
    for top, bottom in zip(numerators, denominators, strict=True):
        if bottom < _EXACT and (len(top) == 0 or int(np.abs(top).max()) < _EXACT):
            quotients.append((top.astype(np.float64) / float(bottom)).tolist())
        else:
            quotients.append([t / bottom for t in top.tolist()])
    return quotients
