"""
The Makefile: on a machine without Python 3.12+, one clear line saying what to install; `make help` names every
target the README documents.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.mark.parametrize(
    ("python3", "found"),
    [('#!/bin/sh\necho "Python 3.11.7"\n', "Python 3.11.7"), (None, "no python3")],
)
def test_too_old_python_is_explained_in_one_line(tmp_path, python3, found):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if python3:
        (bin_dir / "python3").write_text(python3)
        (bin_dir / "python3").chmod(0o755)

    result = subprocess.run(
        [shutil.which("make"), "--no-print-directory", "python", "PYTHON="],
        cwd=tmp_path,
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if not line.startswith("make:")]
    assert ours == [
        f"Safe Digital needs Python 3.12 or newer (found: {found}); install 3.13 with 'pyenv install 3.13' "
        "or your system's python3.13 package, then run make again."
    ]
    assert result.stdout == ""


def test_help_names_every_target_the_readme_documents():
    documented = re.findall(r"^\| `make ([a-z-]+)` \|", (ROOT / "README.md").read_text(), flags=re.MULTILINE)
    assert "demo" in documented

    result = subprocess.run(
        [shutil.which("make"), "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    shown = re.findall(r"^make ([a-z-]+) ", result.stdout, flags=re.MULTILINE)
    assert [target for target in documented if target not in shown] == []
