"""Start-up stays light: ``--help`` and ``rate`` import neither pandas nor jinja2."""

from __future__ import annotations

import json
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
heavy = ["pandas", "jinja2", "numpy", "openpyxl"]
print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args", [["--help"], ["rate", "Q3-2017"], ["rate", "Q3-2017", "--format", "json"]]
)
def test_no_heavy_imports(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_importing_the_package_imports_nothing_heavy() -> None:
    heavy = "('pydantic', 'yaml', 'rich', 'click')"
    code = f"import sys, barnet_rag; print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
