"""The tests that need no Odoo import the addon's pure-Python packages (``clients``,
``sandbox``) from the repository root."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sandbox.server import Sandbox  # noqa: E402


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox(seed=3, size=8)
    box.start()
    yield box
    box.stop()


@pytest.fixture(autouse=True)
def _clean_sandbox(request):
    if "sandbox" in request.fixturenames:
        box = request.getfixturevalue("sandbox")
        box.clear_faults()
        box.reset_calls()
