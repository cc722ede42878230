"""
The Makefile: on a machine without Python 3.12+, one clear line saying what to install; `make help` names every
target the README documents; `make serve` stops its server and its worker together.
"""

import os
import re
import shutil
import signal
import subprocess
import time
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


# A stand-in for the project's Python in `make serve`: collectstatic and migrate end at once; the worker and the
# server (`-m safedigital.serve`) write their process ids and wait for a signal, as gunicorn and db_worker do.
STAND_IN_PYTHON = """#!/usr/bin/env python3
import os, signal, sys, time
name = "worker" if "db_worker" in sys.argv else "server" if "safedigital.serve" in sys.argv else None
if name is None:
    sys.exit(0)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
with open(os.path.join(os.environ["PIDS"], name), "w") as pid:
    pid.write(str(os.getpid()))
if name == "server" and os.environ.get("SERVER_FAILS"):
    while not os.path.exists(os.path.join(os.environ["PIDS"], "worker")):
        time.sleep(0.05)
    sys.exit(3)
time.sleep(60)
"""


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child of this test that has ended but is not reaped yet still answers; its state says so.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def start_serve(tmp_path, **environment):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    python = tmp_path / "python"
    python.write_text(STAND_IN_PYTHON)
    python.chmod(0o755)
    stamp = tmp_path / "stamp"
    stamp.touch()
    pids = tmp_path / "pids"
    pids.mkdir()
    make = subprocess.Popen(
        # -o: the stand-in's installation is taken as up to date.
        [
            shutil.which("make"),
            "--no-print-directory",
            "serve",
            f"PY={python}",
            f"STAMP={stamp}",
            "-o",
            str(stamp),
        ],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PIDS": str(pids), **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return make, pids


def wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_serve_stops_the_server_and_the_worker_when_make_is_told_to_stop(tmp_path):
    # A process manager stops `make serve` with TERM to make alone: it left gunicorn running, answering.
    make, pids = start_serve(tmp_path)
    wait_for(lambda: (pids / "worker").exists() and (pids / "server").exists())
    worker, server = (int((pids / name).read_text()) for name in ["worker", "server"])

    make.send_signal(signal.SIGTERM)
    make.wait(timeout=20)

    wait_for(lambda: not alive(worker) and not alive(server))


def test_serve_stops_the_worker_and_fails_when_the_server_ends(tmp_path):
    make, pids = start_serve(tmp_path, SERVER_FAILS="1")
    wait_for(lambda: (pids / "worker").exists())
    worker = int((pids / "worker").read_text())

    assert make.wait(timeout=20) != 0
    wait_for(lambda: not alive(worker))
