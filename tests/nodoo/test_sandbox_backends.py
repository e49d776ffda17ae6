"""The one factory of backend values pointed at the sandbox (sandbox/backends.py): each
system's values reach the sandbox and log in with its seeded credentials."""

import pytest
import requests

from sandbox.backends import MODELS, backend_values
from sandbox.server import Sandbox


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(seed=3, size=2, transactions=3) as box:
        yield box


def test_overrides_win_and_every_system_has_a_model():
    values = backend_values("trackonline", "http://127.0.0.1:1/", name="T", api_key="other")
    assert values == {"base_url": "http://127.0.0.1:1/trackonline/api/v1", "api_key": "other",
                      "name": "T"}
    assert set(MODELS) == {"trackonline", "trackline", "opuscapita", "sage50"}
    for system in MODELS:
        assert backend_values(system, "http://h")["base_url"].startswith("http://h/")
    with pytest.raises(ValueError, match="unknown system"):
        backend_values("sap", "http://h")


def test_the_credentials_are_the_sandbox_ones(sandbox):
    values = backend_values("trackonline", sandbox.url)
    answer = requests.get(values["base_url"] + "/status", timeout=5,
                          headers={"X-ApiKey": values["api_key"]})
    assert answer.status_code == 200
    values = backend_values("trackline", sandbox.url)
    answer = requests.post(values["base_url"] + "/login", timeout=5,
                           json={"email": values["login"], "password": values["password"]})
    assert answer.status_code == 200 and answer.json()["token"]
    values = backend_values("opuscapita", sandbox.url)
    assert values["environment"] == "custom" and values["client_secret"]
