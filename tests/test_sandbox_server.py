import pytest
import requests

from sandbox.faults import fault_for, profile_for, rate_limit_take

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_it_switches_faults_through_the_control_endpoint(sandbox_server):
    r = requests.post(f"{sandbox_server}/_control/faults/fergus:1", json={"outage_seconds": 30},
                      timeout=5)
    assert r.status_code == 200
    decision = fault_for("fergus:1")
    assert decision.fault is not None and decision.fault.status == 503
    r = requests.delete(f"{sandbox_server}/_control/faults/fergus:1", timeout=5)
    assert r.status_code == 200
    assert profile_for("fergus:1") is None


def test_it_rejects_unknown_fault_fields(sandbox_server):
    r = requests.post(f"{sandbox_server}/_control/faults/x", json={"bogus": 1}, timeout=5)
    assert r.status_code == 400
    assert "bogus" in r.json()["message"]


def test_rate_windows_count_and_reset():
    results = [rate_limit_take("t:1", default_limit=3, default_window=60) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[2].remaining == 0
