"""Token sources hand out the right token, and a token never shows up where people look."""

from __future__ import annotations

import logging

import pytest

from dashboard.api import (
    Anonymous,
    CallableToken,
    EnvToken,
    FileToken,
    PerfClient,
    StaticToken,
    Unauthorized,
    as_token_source,
)

SECRET = "s3cret-token-never-shown"


async def test_a_file_token_is_reread_when_the_file_changes(tmp_path):
    path = tmp_path / "token"
    path.write_text("first\n")
    source = FileToken(path)
    assert await source.token() == "first"
    path.write_text("second-and-longer")
    assert await source.token() == "second-and-longer"
    path.unlink()
    assert await source.token() is None


async def test_an_env_token_is_read_each_time(monkeypatch):
    source = EnvToken("TEST_PERF_TOKEN")
    monkeypatch.delenv("TEST_PERF_TOKEN", raising=False)
    assert await source.token() is None
    monkeypatch.setenv("TEST_PERF_TOKEN", " abc ")
    assert await source.token() == "abc"


async def test_callables_may_be_async_and_may_hear_about_refusals():
    async def fetch(fresh: bool = False) -> str:
        return "new" if fresh else "old"

    source = CallableToken(fetch)
    assert (await source.token(), await source.token(fresh=True)) == ("old", "new")
    assert await CallableToken(lambda: "").token() is None


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        pytest.param(None, Anonymous, id="none-is-anonymous"),
        pytest.param("abc", StaticToken, id="string"),
        pytest.param(lambda: "abc", CallableToken, id="callable"),
        pytest.param(EnvToken(), EnvToken, id="source-as-is"),
    ],
)
def test_people_can_pass_what_they_have(value, kind):
    assert isinstance(as_token_source(value), kind)


def test_reprs_never_show_a_token(tmp_path):
    for source in (StaticToken(SECRET), CallableToken(lambda: SECRET), FileToken(tmp_path / "t")):
        assert SECRET not in repr(source)
    assert SECRET not in repr(PerfClient("http://x/api/v1", SECRET))


async def test_a_refused_token_is_in_no_message_repr_or_log(sandbox_url, caplog):
    caplog.set_level(logging.DEBUG)
    async with PerfClient(sandbox_url, SECRET) as client:
        with pytest.raises(Unauthorized) as caught:
            await client.users.me()
        assert (await client.results.list(per_page=1)).items
    error = caught.value
    for text in (str(error), repr(error), repr(error.body), error.request, caplog.text):
        assert SECRET not in text
    assert "GET /users/self" in error.request
    assert caplog.records, "the client logged its requests"
    assert all(
        "?" not in record.getMessage()
        for record in caplog.records
        if record.name == "dashboard.api"
    )
