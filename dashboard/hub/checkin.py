"""EGI Check-in for JupyterHub: issuers, scopes, usernames, entitlements, early refresh.

The one place of the hub-side logic: ``hub_config/jupyterhub_config.py`` and the Helm
chart's hub configuration both import it. It needs neither JupyterHub nor
oauthenticator to be imported (the hooks receive the authenticator they run in), so
it is tested on its own.

- Access tokens of Check-in live about an hour. oauthenticator refreshes a token only
  after it has failed; :func:`refresh_early` refreshes it with the refresh token a few
  minutes *before* it expires, so a user server asking the hub for the token (which
  runs the hub's refresh) always gets one that still works.
- Entitlements look like ``urn:mace:egi.eu:group:<vo>[:<subgroup>][:role=<role>]#aai.egi.eu``;
  some deployments name the claim ``entitlements`` instead of ``eduperson_entitlement``.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import time
import urllib.request
from collections.abc import Mapping
from inspect import isawaitable
from typing import Any

#: The Check-in realms, chosen with ``EGI_CHECKIN_ENV``.
ISSUERS = {
    "production": "https://aai.egi.eu/auth/realms/egi",
    "demo": "https://aai-demo.egi.eu/auth/realms/egi",
    "development": "https://aai-dev.egi.eu/auth/realms/egi",
}
#: ``offline_access`` is what brings a refresh token.
SCOPES = ["openid", "profile", "email", "eduperson_entitlement", "voperson_id", "offline_access"]
#: Refresh an access token when it has less than this left (seconds).
REFRESH_MARGIN = 300
#: Where the expiry time is kept in auth_state (seconds since the epoch).
EXPIRES_AT = "expires_at"

ENTITLEMENT_CLAIMS = ("eduperson_entitlement", "entitlements")
GROUP_PREFIX = "urn:mace:egi.eu:group:"


def issuer(env: Mapping[str, str] = os.environ) -> str:
    """The issuer URL: ``EGI_CHECKIN_ISSUER`` if set (any OIDC provider, e.g. a test one),
    else the Check-in realm named by ``EGI_CHECKIN_ENV`` (``production`` by default)."""
    explicit = env.get("EGI_CHECKIN_ISSUER", "").strip()
    if explicit:
        return explicit.rstrip("/")
    name = env.get("EGI_CHECKIN_ENV", "production").strip() or "production"
    if name not in ISSUERS:
        raise ValueError(f"EGI_CHECKIN_ENV={name!r}: choose one of {', '.join(ISSUERS)}")
    return ISSUERS[name]


def endpoints(issuer_url: str) -> dict[str, str]:
    """Keycloak's OpenID Connect endpoints under an issuer."""
    base = f"{issuer_url.rstrip('/')}/protocol/openid-connect"
    return {
        "authorize_url": f"{base}/auth",
        "token_url": f"{base}/token",
        "userdata_url": f"{base}/userinfo",
        "jwks_url": f"{base}/certs",
    }


def discover(issuer_url: str, timeout: float = 10.0) -> dict[str, str]:
    """The endpoints an OIDC provider announces (``/.well-known/openid-configuration``)."""
    url = f"{issuer_url.rstrip('/')}/.well-known/openid-configuration"
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        found = json.load(answer)
    return {
        "authorize_url": found["authorization_endpoint"],
        "token_url": found["token_endpoint"],
        "userdata_url": found["userinfo_endpoint"],
        "jwks_url": found.get("jwks_uri", ""),
    }


def secret(name: str, env: Mapping[str, str] = os.environ) -> str:
    """A secret from ``$NAME``, else from the file named by ``$NAME_FILE`` (a mounted Secret)."""
    value = env.get(name, "").strip()
    if value:
        return value
    path = env.get(f"{name}_FILE", "").strip()
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    raise RuntimeError(f"Set {name} or {name}_FILE (a file holding it)")


def username(user_info: Mapping[str, Any]) -> str:
    """The hub username: Check-in's stable ``voperson_id``, else ``preferred_username``."""
    for claim in ("voperson_id", "preferred_username", "sub"):
        value = user_info.get(claim)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise ValueError("the identity provider sent no voperson_id, preferred_username or sub")


def entitlements(user_info: Mapping[str, Any]) -> set[str]:
    """The user's entitlements, from either claim name."""
    found: set[str] = set()
    for claim in ENTITLEMENT_CLAIMS:
        value = user_info.get(claim) or []
        if isinstance(value, str):
            value = [value]
        found.update(v.strip() for v in value if isinstance(v, str) and v.strip())
    return found


def vo_of(entitlement: str) -> str | None:
    """The VO an entitlement is about (``urn:mace:egi.eu:group:vo.example:role=member#…``)."""
    if not entitlement.startswith(GROUP_PREFIX):
        return None
    body = entitlement[len(GROUP_PREFIX) :].split("#", 1)[0]
    return body.split(":", 1)[0] or None


def groups_of(auth_state: Mapping[str, Any], user_key: str = "oauth_user") -> list[str]:
    """oauthenticator's ``auth_state_groups_key``: the entitlements are the groups.

    ``allowed_groups`` and ``admin_groups`` then list entitlements, as the service's own
    admin entitlements are written.
    """
    return sorted(entitlements(auth_state.get(user_key) or {}))


def entitlement_list(text: str) -> set[str]:
    """Entitlements from a setting: separated by commas, spaces or new lines."""
    return {part for part in text.replace(",", " ").split() if part}


# ------------------------------------------------------------------------ tokens


def _jwt_expiry(token: str) -> float | None:
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        exp = json.loads(base64.urlsafe_b64decode(payload)).get("exp")
    except (IndexError, ValueError, AttributeError):
        return None
    return float(exp) if isinstance(exp, int | float) else None


def stamp_expiry(authenticator, auth_state: dict, now: float | None = None) -> dict:
    """oauthenticator's ``modify_auth_state_hook``: note when the access token expires.

    From the token's own ``exp`` when it is a JWT, else from the token response's
    ``expires_in``.
    """
    now = time.time() if now is None else now
    token = auth_state.get("access_token") or ""
    expires = _jwt_expiry(token)
    if expires is None:
        lifetime = (auth_state.get("token_response") or {}).get("expires_in")
        expires = now + float(lifetime) if isinstance(lifetime, int | float | str) else None
    if expires is not None:
        auth_state[EXPIRES_AT] = expires
    return auth_state


def seconds_left(auth_state: Mapping[str, Any], now: float | None = None) -> float | None:
    """How long the access token in ``auth_state`` still works (None: unknown)."""
    expires = auth_state.get(EXPIRES_AT)
    if not isinstance(expires, int | float):
        return None
    return expires - (time.time() if now is None else now)


async def refresh_early(authenticator, user, auth_state: dict | None):
    """oauthenticator's ``refresh_user_hook``: a new access token shortly before expiry.

    Returns True while the token has more than :data:`REFRESH_MARGIN` left (nothing to
    do, and no request to the provider), a new auth model after refreshing, False when
    the refresh token is refused (the user signs in again), or None to leave
    oauthenticator's own handling (no auth_state or no refresh token).
    """
    if not auth_state or not auth_state.get("refresh_token"):
        return None
    left = seconds_left(auth_state)
    if left is not None and left > REFRESH_MARGIN:
        return True
    params = authenticator.build_refresh_token_request_params(auth_state["refresh_token"])
    try:
        token_info = await authenticator.get_token_info(None, params)
    except Exception as error:  # the provider said no: a new login it is
        authenticator.log.info("Refreshing the access token of %s failed: %s", user.name, error)
        return False
    token_info.setdefault("refresh_token", auth_state["refresh_token"])
    user_info = await authenticator.token_to_user(token_info)
    state = authenticator.build_auth_state_dict(token_info, user_info)
    if isawaitable(state):
        state = await state
    state = stamp_expiry(authenticator, state)
    model = {"name": user.name, "admin": None, "auth_state": state}
    if getattr(authenticator, "manage_groups", False):  # the hub wants the groups too
        model["groups"] = groups_of(state, authenticator.user_auth_state_key)
    model = await authenticator.update_auth_model(model)
    authenticator.log.info("Refreshed the access token of %s before it expired", user.name)
    return model


# ------------------------------------------------------------------ configuration


def configure(c, env: Mapping[str, str] = os.environ, *, callback_url: str) -> None:
    """Configure a hub (its traitlets config ``c``) for Check-in login.

    The authenticator with its secrets from ``env`` (or files), early token refresh,
    allowed and admin entitlements, the roles that let a user server read its user's
    tokens, and the dashboard as every user server's landing page. Called by
    ``hub_config/jupyterhub_config.py`` and by the Helm chart's hub configuration.
    """
    c.JupyterHub.authenticator_class = "generic-oauth"
    c.GenericOAuthenticator.client_id = secret("EGI_CHECKIN_CLIENT_ID", env)
    c.GenericOAuthenticator.client_secret = secret("EGI_CHECKIN_CLIENT_SECRET", env)
    c.GenericOAuthenticator.oauth_callback_url = callback_url
    # Check-in's endpoints are known; another issuer (a local one in tests) announces its own
    issuer_url = issuer(env)
    found = discover(issuer_url) if env.get("EGI_CHECKIN_ISSUER") else endpoints(issuer_url)
    for name, url in found.items():
        if name != "jwks_url":
            setattr(c.GenericOAuthenticator, name, url)
    c.GenericOAuthenticator.scope = SCOPES
    c.GenericOAuthenticator.basic_auth = True  # client_secret_basic, as Check-in clients use
    c.GenericOAuthenticator.login_service = "EGI Check-in"
    c.GenericOAuthenticator.username_claim = username
    # the hub's groups of a user are their entitlements: allowed and admin groups name them
    c.GenericOAuthenticator.manage_groups = True
    c.GenericOAuthenticator.auth_state_groups_key = groups_of
    _keep_tokens(c, env)
    _who_may(c, env)
    c.JupyterHub.load_roles = copy.deepcopy(ROLES)  # the hub may change its own
    # Each user server opens on the dashboard; JupyterLab stays at /lab.
    c.Spawner.default_url = "/dashboard/"


def _keep_tokens(c, env: Mapping[str, str]) -> None:
    # auth_state keeps the tokens (encrypted with JUPYTERHUB_CRYPT_KEY); the user server
    # reads the access token from it. Tokens are refreshed shortly before they expire.
    c.Authenticator.enable_auth_state = True
    c.GenericOAuthenticator.modify_auth_state_hook = stamp_expiry
    c.GenericOAuthenticator.refresh_user_hook = refresh_early
    # how stale auth_state may get before the hook runs (seconds; tests make it short)
    c.Authenticator.auth_refresh_age = int(env.get("EGI_AUTH_REFRESH_AGE", "60"))
    c.Authenticator.refresh_pre_spawn = True


def _who_may(c, env: Mapping[str, str]) -> None:
    allowed = entitlement_list(env.get("EGI_ALLOWED_ENTITLEMENTS", ""))
    if allowed:
        c.GenericOAuthenticator.allowed_groups = allowed
    else:
        c.GenericOAuthenticator.allow_all = True
    c.GenericOAuthenticator.admin_groups = entitlement_list(env.get("EGI_ADMIN_ENTITLEMENTS", ""))


#: The scopes each role needs, and no more.
ROLES = [
    {
        "name": "user",
        "scopes": [
            "self",  # the default: a user manages their own server
            # a user's own server reads their auth_state (GET /users/{name}); plain GET
            # /user returns a null auth_state (jupyterhub issue 5103)
            "admin:auth_state!user",
        ],
    },
    {
        "name": "server",
        "scopes": [
            "users:activity!user",  # the default: report activity (culling)
            "access:servers!server",  # the default: check who may open this server
            "read:users!user",  # read its own user model, where auth_state is
            "admin:auth_state!user",  # and the tokens in it, for the dashboard
        ],
    },
]
