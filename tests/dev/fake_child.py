"""A tiny stand-in for a service, started by the supervisor tests.

fake_child.py serve PIDFILE [--ignore-term] [--on-term FILE LABEL]
    starts a grandchild, writes "<own pid> <grandchild pid>" to PIDFILE, prints "ready",
    then sleeps; --ignore-term makes it ignore SIGTERM; --on-term appends LABEL to FILE
    when SIGTERM arrives, then exits 0.
fake_child.py exit CODE
    prints "bye" and exits with CODE.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path


def serve(arguments: list[str]) -> None:
    pid_file = Path(arguments[0])
    if "--ignore-term" in arguments:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if "--on-term" in arguments:
        index = arguments.index("--on-term")
        record, label = Path(arguments[index + 1]), arguments[index + 2]

        def on_term(signum: int, frame: object) -> None:
            with record.open("a") as file:
                file.write(label + "\n")
            time.sleep(0.3)  # a slow, clean shutdown
            sys.exit(0)

        signal.signal(signal.SIGTERM, on_term)
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    pid_file.write_text(f"{Path('/proc/self').resolve().name} {grandchild.pid}")
    print("ready", flush=True)  # noqa: T201
    time.sleep(600)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2:])
    else:
        print("bye", flush=True)  # noqa: T201
        sys.exit(int(sys.argv[2]))
