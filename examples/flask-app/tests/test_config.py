import pytest

from flask_app import __version__, create_app
from flask_app.config import ENV_VARS, Config, ConfigError


def test_defaults():
    cfg = Config.from_env({})
    assert cfg.port == 8080
    assert cfg.log_level == "INFO"
    assert cfg.app_name == "flask-app"
    assert cfg.app_version == __version__
    assert cfg.gunicorn_workers == 2
    assert cfg.gunicorn_timeout == 30
    assert cfg.gunicorn_graceful_timeout == 20
    assert cfg.readiness_delay_seconds == 0.0
    assert cfg.readiness_drain_file is None
    assert cfg.prometheus_multiproc_dir is None


def test_defaults_match_dataclass_defaults():
    assert Config.from_env({}) == Config()


def test_overrides_are_parsed():
    cfg = Config.from_env(
        {
            "PORT": "9000",
            "LOG_LEVEL": "debug",
            "APP_NAME": "orders-api",
            "APP_VERSION": "2.0.1+build.7",
            "GUNICORN_WORKERS": "4",
            "GUNICORN_TIMEOUT": "60",
            "GUNICORN_GRACEFUL_TIMEOUT": "25",
            "READINESS_DELAY_SECONDS": "2.5",
            "READINESS_DRAIN_FILE": "/tmp/drain",
            "PROMETHEUS_MULTIPROC_DIR": "/tmp/prometheus",
        }
    )
    assert cfg.port == 9000
    assert cfg.log_level == "DEBUG"
    assert cfg.app_name == "orders-api"
    assert cfg.app_version == "2.0.1+build.7"
    assert cfg.gunicorn_workers == 4
    assert cfg.gunicorn_timeout == 60
    assert cfg.gunicorn_graceful_timeout == 25
    assert cfg.readiness_delay_seconds == 2.5
    assert cfg.readiness_drain_file == "/tmp/drain"
    assert cfg.prometheus_multiproc_dir == "/tmp/prometheus"


def test_empty_values_take_defaults():
    assert Config.from_env({"PORT": "", "LOG_LEVEL": "  "}) == Config()


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("PORT", "http", "PORT='http': expected an integer between 1 and 65535"),
        ("PORT", "0", "PORT='0': must be between 1 and 65535"),
        ("PORT", "65536", "PORT='65536': must be between 1 and 65535"),
        ("PORT", "-1", "PORT='-1': expected an integer"),
        ("PORT", "80_80", "PORT='80_80': expected an integer"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL='verbose': expected one of DEBUG, INFO"),
        ("APP_NAME", "Bad Name", "APP_NAME='Bad Name': expected 1-63 lowercase"),
        ("APP_NAME", "-lead", "APP_NAME='-lead'"),
        ("APP_NAME", "a" * 64, "APP_NAME="),
        ("APP_VERSION", "1.0 beta", "APP_VERSION='1.0 beta'"),
        ("GUNICORN_WORKERS", "0", "GUNICORN_WORKERS='0': must be between 1 and 64"),
        ("GUNICORN_WORKERS", "two", "GUNICORN_WORKERS='two': expected an integer"),
        ("GUNICORN_TIMEOUT", "0", "GUNICORN_TIMEOUT='0': must be between 1 and 3600"),
        ("GUNICORN_GRACEFUL_TIMEOUT", "x", "GUNICORN_GRACEFUL_TIMEOUT='x'"),
        ("READINESS_DELAY_SECONDS", "-1", "READINESS_DELAY_SECONDS='-1': must be between 0 and 3600"),
        ("READINESS_DELAY_SECONDS", "nan", "READINESS_DELAY_SECONDS='nan'"),
        ("READINESS_DELAY_SECONDS", "soon", "READINESS_DELAY_SECONDS='soon': expected a number"),
        ("READINESS_DRAIN_FILE", "drain", "READINESS_DRAIN_FILE='drain': must be an absolute path"),
        ("PROMETHEUS_MULTIPROC_DIR", "prom", "PROMETHEUS_MULTIPROC_DIR='prom': must be an absolute path"),
    ],
)
def test_bad_values_give_clear_errors(name, value, expected):
    with pytest.raises(ConfigError) as info:
        Config.from_env({name: value})
    message = str(info.value)
    assert message.startswith("invalid configuration: ")
    assert expected in message


def test_all_errors_are_reported_together():
    with pytest.raises(ConfigError) as info:
        Config.from_env({"PORT": "x", "GUNICORN_WORKERS": "0", "LOG_LEVEL": "loud"})
    message = str(info.value)
    for name in ("PORT", "GUNICORN_WORKERS", "LOG_LEVEL"):
        assert name in message


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def test_create_app_rejects_bad_config():
    with pytest.raises(ConfigError, match="PORT"):
        create_app({"PORT": "not-a-port"})


def test_create_app_reads_process_environment(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_NAME", "from-env")
    app = create_app()
    assert app.config["SERVICE"].app_name == "from-env"
    assert app.test_client().get("/").get_json()["service"] == "from-env"


def test_create_app_accepts_a_config_object():
    app = create_app(Config(app_name="obj", app_version="9"))
    assert app.test_client().get("/").get_json() == {
        "service": "obj",
        "version": "9",
        "message": "hello",
    }
