"""hub_config/jupyterhub_config.py, loaded as JupyterHub loads it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.hub import checkin

HUB_CONFIG = Path(__file__).parents[2] / "hub_config"


def load(monkeypatch, **env):
    from traitlets.config.loader import PyFileConfigLoader

    for name in list(checkin.os.environ):
        if name.startswith(("EGI_", "DASHBOARD_", "JUPYTERHUB_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB_CONFIG)).load_config()


def test_check_in_login_with_secrets_from_files_and_early_refresh(monkeypatch, tmp_path):
    from oauthenticator.generic import GenericOAuthenticator

    (tmp_path / "id").write_text("eosc-perf-dashboard\n")
    (tmp_path / "secret").write_text("s3cret\n")
    admins = "urn:mace:egi.eu:group:eosc-perf:admins:role=member#aai.egi.eu"
    config = load(
        monkeypatch,
        EGI_CHECKIN_ENV="demo",
        EGI_CHECKIN_CLIENT_ID_FILE=str(tmp_path / "id"),
        EGI_CHECKIN_CLIENT_SECRET_FILE=str(tmp_path / "secret"),
        EGI_ADMIN_ENTITLEMENTS=admins,
    )
    auth = GenericOAuthenticator(config=config)
    assert (auth.client_id, auth.client_secret) == ("eosc-perf-dashboard", "s3cret")
    assert auth.token_url == "https://aai-demo.egi.eu/auth/realms/egi/protocol/openid-connect/token"
    assert "offline_access" in auth.scope and "eduperson_entitlement" in auth.scope
    assert auth.enable_auth_state and auth.refresh_user_hook is checkin.refresh_early
    assert auth.username_claim is checkin.username and auth.admin_groups == {admins}
    assert auth.allow_all  # no allowed entitlements set: every Check-in user

    roles = {role["name"]: role["scopes"] for role in config.JupyterHub.load_roles}
    assert "admin:auth_state!user" in roles["user"] and "admin:auth_state!user" in roles["server"]
    assert config.Spawner.default_url == "/dashboard/"
    assert config.JupyterHub.spawner_class == "simple"


def test_allowed_entitlements_restrict_who_logs_in(monkeypatch):
    from oauthenticator.generic import GenericOAuthenticator

    vo = "urn:mace:egi.eu:group:vo.access.egi.eu:role=member#aai.egi.eu"
    config = load(
        monkeypatch,
        EGI_CHECKIN_CLIENT_ID="id",
        EGI_CHECKIN_CLIENT_SECRET="secret",
        EGI_ALLOWED_ENTITLEMENTS=vo,
        DASHBOARD_SPAWNER="kubernetes",
    )
    auth = GenericOAuthenticator(config=config)
    assert auth.allowed_groups == {vo} and not auth.allow_all
    assert config.JupyterHub.spawner_class == "kubespawner.KubeSpawner"


def test_no_client_secret_no_hub(monkeypatch):
    with pytest.raises(RuntimeError, match="EGI_CHECKIN_CLIENT_ID"):
        load(monkeypatch)


def test_the_config_holds_no_secret_literals():
    secrets = {"client_id", "client_secret", "crypt_key", "cookie_secret", "api_token"}
    sources = [HUB_CONFIG / "jupyterhub_config.py", Path(checkin.__file__)]
    nodes = [node for path in sources for node in ast.walk(ast.parse(path.read_text()))]
    for node in nodes:
        if isinstance(node, ast.Assign):
            names = {t.attr for t in node.targets if isinstance(t, ast.Attribute)}
            if names & secrets:
                assert not isinstance(node.value, ast.Constant), ast.unparse(node)
