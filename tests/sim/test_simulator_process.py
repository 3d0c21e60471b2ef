"""The simulator child of the GUI: its output is read for as long as it runs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.runtime import SimulatorProcess

# A stand-in child: reports an endpoint, then logs 2 MB to stderr (a full pipe nobody reads
# would block it at 64 KiB), then says it is done and waits for its stdin to close.
CHATTY = """
import sys
print("opc.tcp://127.0.0.1:1/fake/", flush=True)
for i in range(20000):
    print(f"log line {i:05d} " + "x" * 90, file=sys.stderr)
sys.stderr.flush()
open(sys.argv[1], "w").write("done")
sys.stdin.read()
"""


class ChattyChild(SimulatorProcess):
    def __init__(self, done: Path) -> None:
        super().__init__(Path("."))
        self.done = done

    def command(self) -> list[str]:
        return [sys.executable, "-c", CHATTY, str(self.done)]


def test_a_chatty_simulator_never_blocks_on_its_own_output(tmp_path: Path) -> None:
    child = ChattyChild(tmp_path / "done")
    try:
        assert child.start(timeout_s=20) == "opc.tcp://127.0.0.1:1/fake/"
        end = time.monotonic() + 20
        while not child.done.exists() and time.monotonic() < end:
            time.sleep(0.05)
        assert child.done.exists(), "the child blocked writing to a full stderr pipe"
        end = time.monotonic() + 5
        while (not child.last_messages or not child.last_messages[-1].startswith("log line 19999")) and time.monotonic() < end:
            time.sleep(0.05)
        assert child.last_messages[-1].startswith("log line 19999")  # the newest lines are kept for error reports
        assert len(child.last_messages) == 50
    finally:
        child.stop()
