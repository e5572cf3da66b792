"""The DB_* configuration and the credential providers (no server needed)."""

from __future__ import annotations

import json

import pytest

from flask_app.config import Config, ConfigError
from flask_app.credentials import (
    Credentials,
    CredentialsError,
    SecretCredentials,
    StaticCredentials,
    provider_from_config,
    region_of_arn,
    secrets_manager,
)

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf"
BASE = {"DB_HOST": "db.example.internal", "DB_NAME": "app"}


def test_no_database_by_default():
    cfg = Config.from_env({})
    assert not cfg.database_configured and cfg.db_host is None
    assert cfg.db_port == 5432 and cfg.db_sslmode == "require"


def test_secret_arn_configuration():
    cfg = Config.from_env({**BASE, "DB_SECRET_ARN": ARN, "DB_PORT": "6432"})
    assert cfg.database_configured
    assert (cfg.db_host, cfg.db_port, cfg.db_name, cfg.db_secret_arn) == (
        "db.example.internal", 6432, "app", ARN)
    assert cfg.db_user is None and cfg.db_password is None


def test_password_is_kept_as_is_and_not_in_repr():
    cfg = Config.from_env({**BASE, "DB_USER": "u", "DB_PASSWORD": " p w "})
    assert cfg.db_password == " p w "
    assert "p w" not in repr(cfg)
    assert isinstance(provider_from_config(cfg), StaticCredentials)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DB_HOST": "h", "DB_SECRET_ARN": ARN}, "DB_NAME is required when DB_HOST is set"),
        (BASE, "set DB_SECRET_ARN, or both DB_USER and DB_PASSWORD"),
        ({**BASE, "DB_USER": "u"}, "set DB_SECRET_ARN, or both DB_USER and DB_PASSWORD"),
        ({**BASE, "DB_SECRET_ARN": ARN, "DB_USER": "u"}, "use one credential source"),
        ({**BASE, "DB_SECRET_ARN": "my-secret"}, "DB_SECRET_ARN='my-secret': expected arn:aws:secretsmanager"),
        ({"DB_NAME": "app"}, "DB_NAME set but DB_HOST is not"),
        ({**BASE, "DB_SECRET_ARN": ARN, "DB_SSLMODE": "on"}, "DB_SSLMODE='on': expected one of"),
        ({**BASE, "DB_SECRET_ARN": ARN, "DB_PORT": "0"}, "DB_PORT='0': must be between 1 and 65535"),
        ({**BASE, "DB_SECRET_ARN": ARN, "DB_POOL_MIN_SIZE": "5"}, "DB_POOL_MIN_SIZE=5 is larger than"),
        ({"DB_HOST": "bad host", "DB_NAME": "app", "DB_SECRET_ARN": ARN}, "DB_HOST='bad host'"),
        ({"DB_HOST": "h", "DB_NAME": "1app", "DB_SECRET_ARN": ARN}, "DB_NAME='1app'"),
    ],
)
def test_bad_database_configuration(env, message):
    with pytest.raises(ConfigError) as error:
        Config.from_env(env)
    assert message in str(error.value)


def test_secret_credentials_cache_and_re_read():
    secret = {"username": "app", "password": "one", "engine": "postgres"}
    reads = []
    creds = SecretCredentials(lambda: json.dumps(secret), "test", on_read=reads.append)
    assert creds.current() == Credentials("app", "one")
    assert creds.current() == Credentials("app", "one") and creds.reads == 1
    # Rejected, but the source has nothing newer: not worth a retry.
    assert creds.refresh(Credentials("app", "one")) is False and creds.reads == 2
    secret["password"] = "two"
    assert creds.refresh(Credentials("app", "one")) is True
    assert creds.current() == Credentials("app", "two") and creds.reads == 3
    # A second connection rejected with the old password finds the new one cached.
    assert creds.refresh(Credentials("app", "one")) is True and creds.reads == 3
    assert reads == ["ok", "ok", "ok"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "is not JSON"),
        ("[1]", "is not a JSON object"),
        ('{"username": "app"}', "needs non-empty string keys"),
        ('{"username": "", "password": "p"}', "needs non-empty string keys"),
    ],
)
def test_malformed_secrets(text, message):
    with pytest.raises(CredentialsError, match=message):
        SecretCredentials(lambda: text, "test").current()


def test_secrets_manager_reads_the_rds_secret_in_its_region():
    """boto3's real client and request shape, answered by botocore's Stubber (no network)."""
    import boto3
    from botocore.stub import Stubber

    assert region_of_arn(ARN) == "eu-west-1"
    client = boto3.client("secretsmanager", region_name=region_of_arn(ARN),
                          aws_access_key_id="test", aws_secret_access_key="test")
    stubber = Stubber(client)
    for password in ("first", "rotated"):
        stubber.add_response(
            "get_secret_value",
            {"ARN": ARN, "Name": "rds!db-1234", "SecretString": json.dumps(
                {"username": "postgres", "password": password})},
            {"SecretId": ARN},
        )
    stubber.add_client_error("get_secret_value", "AccessDeniedException", "not allowed")
    with stubber:
        creds = secrets_manager(ARN, client=client)
        assert creds.current() == Credentials("postgres", "first")
        assert creds.refresh(Credentials("postgres", "first")) is True
        assert creds.current() == Credentials("postgres", "rotated")
        with pytest.raises(CredentialsError, match="cannot read secret .*AccessDenied"):
            creds.refresh(Credentials("postgres", "rotated"))
    stubber.assert_no_pending_responses()


def test_every_variable_is_documented_in_the_readme():
    from pathlib import Path

    from flask_app.config import ENV_VARS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert [name for name in ENV_VARS if f"`{name}`" not in readme] == []
