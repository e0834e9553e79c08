from tests.engine.conftest import connection  # noqa: F401
