"""Actions: ``actions/<plan>.yaml`` read, checked, reported, and in ``rate`` and ``export``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from barnet_rag.check.checking import check_project
from barnet_rag.cli import main
from barnet_rag.periods import Period
from barnet_rag.project.actions import ACTION_FIELDS, ActionsFile, load_actions

REPO = Path(__file__).resolve().parent.parent
ACTIONS = "actions/community-leadership.yaml"

TWELVE = """\
title: Commissioning intentions
as_at: Q3 2017/18
actions:
  - title: Publish the <b>VAWG</b> strategy
    owner: Community Safety
    due: 2017/18-Q4
    status: At Risk
    comment: "Consultation closed late | see *annex*."
    milestones:
      - title: Consult residents
        due: Q3-2017
        status: complete
      - title: Agree with partners
        status: off_track
        owner: Safer Communities Partnership
        comment: The board has not met.
  - {title: Two, status: complete}
  - {title: Three, status: complete}
  - {title: Four, status: complete}
  - {title: Five, status: complete}
  - {title: Six, status: complete}
  - {title: Seven, status: on track}
  - {title: Eight, status: on track}
  - {title: Nine, status: on-track}
  - {title: Ten, status: on track}
  - {title: Eleven, status: at risk, comment: Funding not yet agreed.}
  - {title: Twelve, status: off track}
"""


@pytest.fixture
def project(example_copy: Path) -> Path:
    (example_copy / "actions").mkdir()
    (example_copy / ACTIONS).write_text(TWELVE, encoding="utf-8")
    return example_copy


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def test_statuses_and_quarters_are_read_in_any_usual_spelling(project: Path) -> None:
    actions = load_actions(project, "community-leadership")
    assert actions is not None
    first = actions.actions[0]
    assert (first.status, first.due, first.due_period) == ("at risk", "Q4 2017/18", Period(2017, 4))
    assert [m.status for m in first.milestones] == ["complete", "off track"]
    assert first.milestones[0].due == "Q3 2017/18"
    assert actions.actions[8].status == "on track"
    assert actions.counts() == [("complete", 5), ("on track", 4), ("at risk", 2), ("off track", 1)]
    assert ActionsFile.model_validate({"actions": [{"title": "x"}]}).actions[0].status == (
        "not reported"
    )
    assert load_actions(project, "no-such-plan") is None


def test_the_report_summarises_by_status_and_lists_at_risk_and_off_track(project: Path) -> None:
    code, out, _ = run(project, "report", "Q3-2017")
    assert code == 0
    section = out[out.index("### Commissioning intentions") : out.index("### Risk management")]
    assert section == (
        "### Commissioning intentions\n"
        "\n"
        "12 actions: 5 complete, 4 on track, 2 at risk, 1 off track. The statuses are as at "
        "Q3 2017/18, the quarter of this report.\n"
        "\n"
        "**Actions and milestones at risk or off track**\n"
        "\n"
        "| Action | Owner | Due | Status | Comment |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| Publish the \\<b\\>VAWG\\</b\\> strategy | Community Safety | Q4 2017/18 | At risk | "
        "Consultation closed late \\| see \\*annex\\*. |\n"
        "| Agree with partners (milestone of: Publish the \\<b\\>VAWG\\</b\\> strategy) | Safer "
        "Communities Partnership | Not recorded | Off track | The board has not met. |\n"
        "| Eleven | Not recorded | Not recorded | At risk | Funding not yet agreed. |\n"
        "| Twelve | Not recorded | Not recorded | Off track | No comment |\n"
        "\n"
    )


def test_the_html_report_escapes_action_text(project: Path) -> None:
    code, out, _ = run(project, "report", "Q3-2017", "--format", "html")
    assert code == 0
    assert "<h3>Commissioning intentions</h3>" in out
    assert (
        "<p>12 actions: 5 complete, 4 on track, 2 at risk, 1 off track. The statuses are as at "
        "Q3 2017/18, the quarter of this report.</p>"
    ) in out
    assert (
        "<tr><td>Publish the &lt;b&gt;VAWG&lt;/b&gt; strategy</td><td>Community Safety</td>"
        "<td>Q4 2017/18</td><td><strong>At risk</strong></td>"
        "<td>Consultation closed late | see *annex*.</td></tr>"
    ) in out
    assert "<b>VAWG" not in out


def test_an_earlier_as_at_is_said_and_a_plan_without_actions_has_no_section(
    project: Path,
) -> None:
    text = TWELVE.replace("as_at: Q3 2017/18", "as_at: Q2-2017")
    (project / ACTIONS).write_text(text, encoding="utf-8")
    out = run(project, "report", "Q3-2017")[1]
    assert "1 off track. The statuses are as at Q2 2017/18.\n" in out
    (project / ACTIONS).unlink()
    out = run(project, "report", "Q3-2017")[1]
    assert "### Commissioning intentions" not in out


def test_rate_json_gains_a_top_level_actions_list(project: Path) -> None:
    code, out, _ = run(project, "rate", "Q3-2017", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert list(data) == ["period", "indicators", "summary", "actions"]
    assert len(data["actions"]) == 12
    assert data["actions"][0] == {
        "plan": "community-leadership",
        "title": "Publish the <b>VAWG</b> strategy",
        "component": None,
        "owner": "Community Safety",
        "due": "Q4 2017/18",
        "status": "at risk",
        "comment": "Consultation closed late | see *annex*.",
        "milestones": [
            {
                "title": "Consult residents",
                "owner": None,
                "due": "Q3 2017/18",
                "status": "complete",
                "comment": None,
            },
            {
                "title": "Agree with partners",
                "owner": "Safer Communities Partnership",
                "due": None,
                "status": "off track",
                "comment": "The board has not met.",
            },
        ],
    }
    (project / ACTIONS).unlink()
    assert json.loads(run(project, "rate", "Q3-2017", "--format", "json")[1])["actions"] == []


def test_export_actions_as_csv_json_and_xlsx(project: Path) -> None:
    code, out, _ = run(project, "export", "--actions")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert list(rows[0]) == list(ACTION_FIELDS)
    assert [(r["number"], r["kind"], r["title"], r["status"]) for r in rows[:4]] == [
        ("1", "action", "Publish the <b>VAWG</b> strategy", "at risk"),
        ("1.1", "milestone", "Consult residents", "complete"),
        ("1.2", "milestone", "Agree with partners", "off track"),
        ("2", "action", "Two", "complete"),
    ]
    assert rows[1]["action"] == "Publish the <b>VAWG</b> strategy"
    assert len(rows) == 14
    code, out, _ = run(project, "export", "--actions", "--format", "json")
    assert [(r["number"], r["due"]) for r in json.loads(out)[:2]] == [
        ("1", "Q4 2017/18"),
        ("1.1", "Q3 2017/18"),
    ]
    book_path = project / "actions.xlsx"
    assert run(project, "export", "--actions", "--format", "xlsx", "-o", str(book_path))[0] == 0
    sheet = load_workbook(book_path)["actions"]
    assert [c.value for c in sheet[1]] == list(ACTION_FIELDS)
    assert sheet.max_row == 15
    assert run(project, "export", "--actions", "--all-periods") == (
        2,
        "",
        "error: --actions exports the current actions files: drop --all-periods\n",
    )


def test_check_locates_every_problem_in_actions_files(project: Path) -> None:
    broken = TWELVE.replace("status: At Risk", "status: late").replace(
        "due: Q3-2017", "due: autumn"
    )
    (project / ACTIONS).write_text(broken, encoding="utf-8")
    (project / "actions/safer.yaml").write_text("actions: []\n", encoding="utf-8")
    report = check_project(project)
    assert [str(p) for p in report.problems] == [
        "actions/community-leadership.yaml:7: actions[0].status: should be 'complete', "
        "'on track', 'at risk', 'off track', 'not started' or 'not reported'",
        "actions/community-leadership.yaml:11: actions[0].milestones[0].due: 'autumn' is not "
        'a quarter; write it as Q3-2017, 2017/18-Q3, 2017-18-Q3 or "Q3 2017/18"',
        "actions/safer.yaml: no plan 'safer': an actions file is named after its plan's slug "
        "(rename it to actions/<plan>.yaml; plans: community-leadership)",
    ]
    assert report.exit_code == 1
    code, _, err = run(project, "report", "Q3-2017")
    assert code == 2
    assert err.startswith("error: actions/community-leadership.yaml:7: actions[0].status: ")


def test_the_shipped_example_has_the_plans_fourteen_intentions_none_with_a_status() -> None:
    actions = load_actions(REPO, "community-leadership")
    assert actions is not None
    assert [a.component for a in actions.actions] == ["Community Safety"] * 7 + [
        "Community Participation"
    ] * 3 + ["Emergency planning"] * 4
    statuses = {a.status for a in actions.actions} | {
        m.status for a in actions.actions for m in a.milestones
    }
    assert statuses == {"not reported"}
    assert [len(a.milestones) for a in actions.actions] == [2, 1, 2, 1, 1, 1, 1] + [0] * 7
    assert all(a.owner is None and a.due is None for a in actions.actions)
    code, out, _ = run(REPO, "report", "Q3-2017")
    assert (
        "### Commissioning intentions\n\n14 actions: 14 not reported. No action or milestone "
        "is at risk or off track.\n"
    ) in out
