import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"

sys.path.insert(0, str(ROOT))

# The nianbao command as this Python runs it (no reliance on the venv's script being on PATH).
NIANBAO = [sys.executable, "-c", "from nianbao_cli import main; main()"]


@pytest.fixture(scope="module")
def web(request):
    """The offline demo web, one per test module (a module may change it); DEMO_SEED in the
    module picks its numbers."""
    from crawler.demo.site import DemoWeb

    site = DemoWeb(seed=getattr(request.module, "DEMO_SEED", 0))
    site.start()
    yield site
    site.stop()


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (servers in tests bind there only)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
