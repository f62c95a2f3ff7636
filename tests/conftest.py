import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"

sys.path.insert(0, str(ROOT))

# The nianbao command as this Python runs it (no reliance on the venv's script being on PATH).
NIANBAO = [sys.executable, "-c", "from nianbao_cli import main; main()"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (servers in tests bind there only)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
