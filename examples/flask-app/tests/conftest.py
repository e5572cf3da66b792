import pytest

from flask_app import create_app


@pytest.fixture
def app():
    # A mapping replaces the process environment: hermetic configuration.
    return create_app({"APP_NAME": "test-svc", "APP_VERSION": "1.2.3"})


@pytest.fixture
def client(app):
    return app.test_client()
