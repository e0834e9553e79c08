from tests.engine.conftest import connection, live, unpaced  # noqa: F401
