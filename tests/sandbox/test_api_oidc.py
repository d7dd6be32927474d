"""The ``oidc`` auth mode against a tiny OpenID provider run on loopback for the test.

The provider is a real HTTP peer (a discovery document and a userinfo endpoint
answering for known tokens), so the sandbox's provider calls run for real.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web

ADMINS = "urn:mace:egi.eu:group:eosc-perf:role=admin#aai.egi.eu"
USERINFO = {
    "token-plain": {"sub": "plain-1", "email": "plain@example.org"},
    "token-edu-admin": {
        "sub": "edu-2",
        "email": "edu@example.org",
        "eduperson_entitlement": ["urn:other", ADMINS],
    },
    "token-ent-admin": {"sub": "ent-3", "email": "ent@example.org", "entitlements": ADMINS},
    "token-no-email": {"sub": "quiet-4"},
}


class StubProvider:
    """An OpenID provider that knows a few tokens; it can revoke them and counts calls."""

    def __init__(self, userinfo: dict[str, dict]):
        self.userinfo = dict(userinfo)
        self.userinfo_calls = 0
        self.issuer = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait()
        return self.issuer

    def _serve(self, ready: threading.Event) -> None:
        provider = self

        class Discovery(tornado.web.RequestHandler):
            def get(self) -> None:
                self.write(
                    {"issuer": provider.issuer, "userinfo_endpoint": f"{provider.issuer}/userinfo"}
                )

        class Userinfo(tornado.web.RequestHandler):
            def get(self) -> None:
                provider.userinfo_calls += 1
                token = self.request.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in provider.userinfo:
                    self.set_status(401)
                    self.write({"error": "invalid_token"})
                    return
                self.set_header("Content-Type", "application/json")
                self.write(json.dumps(provider.userinfo[token]))

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        app = tornado.web.Application(
            [(r"/oidc/.well-known/openid-configuration", Discovery), (r"/oidc/userinfo", Userinfo)]
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        self.issuer = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/oidc"
        self._loop.call_soon(ready.set)
        self._loop.run_forever()
        server.stop()
        self._loop.close()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()


@pytest.fixture
def provider() -> Iterator[StubProvider]:
    stub = StubProvider(USERINFO)
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture
def oidc_sandbox(fresh_sandbox, provider):
    """Factory of clients on a sandbox trusting the stub provider, by token."""
    server = fresh_sandbox(
        auth_mode="oidc", oidc_issuer=provider.issuer, admin_entitlements=(ADMINS,), size=20
    )
    clients: list[httpx.Client] = []

    def client(token: str) -> httpx.Client:
        made = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
        clients.append(made)
        return made

    yield client
    for made in clients:
        made.close()


def test_a_vouched_token_is_the_providers_identity(oidc_sandbox, provider):
    user = oidc_sandbox("token-plain")

    registered = user.post("/users:register")

    assert registered.status_code == 201
    assert registered.json()["sub"] == "plain-1"
    assert registered.json()["iss"] == provider.issuer
    assert registered.json()["email"] == "plain@example.org"
    assert user.get("/users/self").json() == registered.json()


@pytest.mark.parametrize(
    ("token", "status"),
    [
        pytest.param("token-edu-admin", 204, id="eduperson_entitlement"),
        pytest.param("token-ent-admin", 204, id="entitlements-as-string"),
        pytest.param("token-plain", 403, id="no-entitlement"),
    ],
)
def test_admins_are_recognised_by_entitlement(oidc_sandbox, token, status):
    user = oidc_sandbox(token)
    user.post("/users:register").raise_for_status()

    assert user.get("/users/self:try_admin").status_code == status


def test_an_entitled_user_must_still_register_to_act_as_admin(oidc_sandbox):
    answer = oidc_sandbox("token-edu-admin").get("/users/self:try_admin")

    assert answer.status_code == 403
    assert answer.json()["error"] == "Forbidden"


def test_a_token_the_provider_rejects_is_unauthenticated(oidc_sandbox):
    answer = oidc_sandbox("token-unknown").get("/users/self")

    assert answer.status_code == 401
    assert answer.json()["error"] == "Unauthenticated"
    assert "token-unknown" not in answer.text


def test_registering_needs_an_email_from_the_provider(oidc_sandbox):
    answer = oidc_sandbox("token-no-email").post("/users:register")

    assert answer.status_code == 422
    assert answer.json()["errors"] == {"error": "No scope for email in oidc token"}


def test_userinfo_is_reused_briefly_then_asked_again(oidc_sandbox, provider):
    user = oidc_sandbox("token-plain")
    user.post("/users:register").raise_for_status()
    calls = provider.userinfo_calls

    assert user.get("/users/self").status_code == 200
    assert provider.userinfo_calls == calls  # answered from the short cache
    del provider.userinfo["token-plain"]  # the provider revokes the token
    time.sleep(2.5)

    assert user.get("/users/self").status_code == 401
