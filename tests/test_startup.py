"""Start-up stays light: ``--help`` and ``rate`` import neither pandas nor jinja2, and
``rate``'s table imports no pydantic model once the plan cache holds the plans."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
from barnet_rag.cli import main
try:
    main(args=sys.argv[1:], prog_name="barnet-rag")
except SystemExit:
    pass
heavy = ["pandas", "jinja2", "numpy", "openpyxl", "pydantic", "yaml"]
print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
"""


def probe(args: list[str], env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Run the CLI with ``args`` on the shipped example: its output and the heavy modules
    it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("args", "models"),
    [
        (["--help"], []),
        (["rate", "Q3-2017", "--format", "json"], ["pydantic"]),  # PyYAML: only for markup
        (["export", "Q3-2017", "--help"], []),
    ],
)
def test_no_heavy_imports(args: list[str], models: list[str]) -> None:
    assert probe(args)[1] == models


def test_a_command_loads_only_its_own_module() -> None:
    """``rate`` imports no other command's module; ``--help`` lists every command."""
    code = (
        "import json, sys; from barnet_rag.cli import main\n"
        "try: main(args=['rate', 'Q3-2017', '--format', 'csv'], prog_name='barnet-rag')\n"
        "except SystemExit: pass\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('barnet_rag.cli.')]), "
        "file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert [m for m in loaded if m.split(".")[2] in COMMAND_MODULES] == ["barnet_rag.cli.rate"]
    listed = probe(["--help"])[0]
    for name in ("chart", "check", "explain", "export", "import", "new-quarter", "rate"):
        assert f"  {name} " in listed, name


#: The modules that hold a command, each loaded when its command runs.
COMMAND_MODULES = {
    "chart", "check", "explain", "export", "import_results", "new_quarter", "rate", "report",
    "schema",
}  # fmt: skip


def test_rate_writes_no_cache_and_gives_the_same_table_every_time(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first, _ = probe(["rate", "Q3-2017"], env)
    second, _ = probe(["rate", "Q3-2017"], env)
    assert first == second and "Community Leadership - Q3 2017/18" in first
    assert list(tmp_path.iterdir()) == []  # nothing derived from the files outlives the run


def test_importing_the_package_imports_nothing_heavy() -> None:
    heavy = "('pydantic', 'yaml', 'rich', 'click')"
    code = f"import sys, barnet_rag; print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
