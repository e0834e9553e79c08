import pytest

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_it_answers_company(sim):
    r = sim.call("GET", "/company")
    assert r.status_code == 200, r.text
    print(r.json(), dict(r.headers))
