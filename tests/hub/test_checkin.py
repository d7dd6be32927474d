"""The hub's Check-in logic, with oauthenticator's GenericOAuthenticator and a real local
OIDC provider (``oidc-provider-mock``) issuing short-lived tokens and refresh tokens."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import httpx
import oidc_provider_mock as oidc
import pytest

from dashboard.hub import checkin

ENTITLEMENTS = [
    "urn:mace:egi.eu:group:vo.access.egi.eu:role=member#aai.egi.eu",
    "urn:mace:egi.eu:group:eosc-perf:admins:role=member#aai.egi.eu",
]
ADA = {
    "email": "ada@example.org",
    "preferred_username": "ada",
    "voperson_id": "ada-0001@egi.eu",
    "eduperson_entitlement": ENTITLEMENTS,
}
CALLBACK = "http://127.0.0.1:8000/hub/oauth_callback"


@pytest.fixture(scope="module")
def issuer():
    users = [oidc.User(sub="ada", claims=ADA)]
    lifetime = timedelta(seconds=30)
    with oidc.run_server_in_thread(access_token_max_age=lifetime, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def authenticator(issuer: str, **settings):
    from oauthenticator.generic import GenericOAuthenticator

    found = checkin.discover(issuer)
    return GenericOAuthenticator(
        client_id="dashboard",
        client_secret="not-a-real-secret",
        oauth_callback_url=CALLBACK,
        authorize_url=found["authorize_url"],
        token_url=found["token_url"],
        userdata_url=found["userdata_url"],
        scope=checkin.SCOPES,
        username_claim=checkin.username,
        manage_groups=True,
        auth_state_groups_key=checkin.groups_of,
        basic_auth=True,
        enable_auth_state=True,
        modify_auth_state_hook=checkin.stamp_expiry,
        refresh_user_hook=checkin.refresh_early,
        **settings,
    )


def sign_in(auth, sub: str = "ada") -> dict:
    """The authorization code flow, as a browser would go through it."""
    params = {
        "client_id": auth.client_id,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": " ".join(auth.scope),
        "state": "x",
    }
    answer = httpx.post(auth.authorize_url, params=params, data={"sub": sub})
    code = parse_qs(urlparse(answer.headers["location"]).query)["code"][0]
    return {
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": CALLBACK,
        "client_id": auth.client_id,
        "client_secret": auth.client_secret,
    }


async def login(auth) -> dict:
    """What the hub stores after a login: the auth model, with auth_state."""
    token_info = await auth.get_token_info(None, sign_in(auth))
    return await auth._token_to_auth_model(token_info)


def test_the_issuer_is_chosen_by_one_setting():
    assert checkin.issuer({}) == "https://aai.egi.eu/auth/realms/egi"
    assert checkin.issuer({"EGI_CHECKIN_ENV": "demo"}) == "https://aai-demo.egi.eu/auth/realms/egi"
    assert checkin.issuer({"EGI_CHECKIN_ISSUER": "http://localhost:9/"}) == "http://localhost:9"
    with pytest.raises(ValueError, match="choose one of"):
        checkin.issuer({"EGI_CHECKIN_ENV": "staging"})
    assert checkin.endpoints(checkin.ISSUERS["development"])["token_url"] == (
        "https://aai-dev.egi.eu/auth/realms/egi/protocol/openid-connect/token"
    )


def test_secrets_come_from_the_environment_or_a_file(tmp_path):
    path = tmp_path / "secret"
    path.write_text("from-a-file\n")
    assert checkin.secret("X", {"X": "inline"}) == "inline"
    assert checkin.secret("X", {"X_FILE": str(path)}) == "from-a-file"
    with pytest.raises(RuntimeError, match="Set X or X_FILE"):
        checkin.secret("X", {})


@pytest.mark.parametrize(
    ("claims", "name"),
    [
        ({"voperson_id": "a@egi.eu", "preferred_username": "a"}, "a@egi.eu"),
        ({"preferred_username": "a"}, "a"),
        ({"voperson_id": ["b@egi.eu"]}, "b@egi.eu"),
        ({"sub": "c"}, "c"),
    ],
    ids=["voperson_id", "preferred_username", "listed", "sub"],
)
def test_the_username_is_the_stable_check_in_id(claims, name):
    assert checkin.username(claims) == name


def test_entitlements_are_read_under_either_claim_name():
    both = {"eduperson_entitlement": ENTITLEMENTS[:1], "entitlements": ENTITLEMENTS[1]}
    assert checkin.entitlements(both) == set(ENTITLEMENTS)
    assert checkin.vo_of(ENTITLEMENTS[0]) == "vo.access.egi.eu"
    assert checkin.vo_of("urn:other") is None
    assert checkin.entitlement_list(f"{ENTITLEMENTS[0]}, {ENTITLEMENTS[1]}\n") == set(ENTITLEMENTS)


async def test_a_login_keeps_the_tokens_and_admins_come_from_entitlements(issuer):
    auth = authenticator(issuer, admin_groups={ENTITLEMENTS[1]}, allow_all=True)
    model = await login(auth)
    assert model["name"] == "ada-0001@egi.eu" and model["admin"] is True
    state = model["auth_state"]
    assert state["access_token"] and state["refresh_token"]
    assert 0 < checkin.seconds_left(state) <= 30
    assert checkin.groups_of(state) == sorted(ENTITLEMENTS)

    others = authenticator(issuer, admin_groups={"urn:mace:egi.eu:group:elsewhere"}, allow_all=True)
    assert (await login(others))["admin"] is False


async def test_access_tokens_are_refreshed_before_they_expire(issuer):
    auth = authenticator(issuer, allow_all=True)
    state = (await login(auth))["auth_state"]
    user = SimpleNamespace(name="ada-0001@egi.eu")

    state[checkin.EXPIRES_AT] = time.time() + checkin.REFRESH_MARGIN + 60
    assert await checkin.refresh_early(auth, user, state) is True  # fresh enough: nothing

    state[checkin.EXPIRES_AT] = time.time() + 10  # about to expire
    model = await checkin.refresh_early(auth, user, state)
    fresh = model["auth_state"]
    assert fresh["access_token"] != state["access_token"]
    assert model["name"] == user.name and fresh["refresh_token"]
    assert model["groups"] == sorted(ENTITLEMENTS)  # the hub manages groups: it needs them
    userinfo = httpx.get(
        auth.userdata_url, headers={"Authorization": f"Bearer {fresh['access_token']}"}
    )
    assert userinfo.json()["voperson_id"] == "ada-0001@egi.eu"  # the new token works


async def test_a_refused_refresh_token_means_a_new_login(issuer):
    auth = authenticator(issuer, allow_all=True)
    state = (await login(auth))["auth_state"]
    httpx.post(f"{issuer}/users/ada/revoke-tokens").raise_for_status()
    state[checkin.EXPIRES_AT] = time.time()
    assert await checkin.refresh_early(auth, SimpleNamespace(name="ada"), state) is False
    assert await checkin.refresh_early(auth, SimpleNamespace(name="ada"), None) is None
