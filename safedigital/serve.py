"""
Starts gunicorn with the project's gunicorn.conf.py: `python -m safedigital.serve [gunicorn's options]`, which
`make serve` runs; run it, not `gunicorn` itself, under a process manager.

gunicorn reads WEB_CONCURRENCY as it is imported, before any configuration file, and a value that is not a whole
number stopped it with a traceback of its own. Checked here first, it stops with one line naming the variable.
Then this process becomes gunicorn (the same process id, for a process manager), exactly as if started by hand.
"""

import os
import sys
from pathlib import Path

from safedigital.environment import env_int

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def main(arguments):
    env_int("WEB_CONCURRENCY", 1, error=SystemExit, minimum=1)
    if os.environ.get("WEB_CONCURRENCY") == "":
        # Empty is the default, as for every whole number (gunicorn.conf.py's); gunicorn's int("") would raise.
        del os.environ["WEB_CONCURRENCY"]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    os.execv(gunicorn, [gunicorn, "-c", str(CONFIG), *arguments])  # noqa: S606 (our own venv's gunicorn)


if __name__ == "__main__":
    main(sys.argv[1:])
