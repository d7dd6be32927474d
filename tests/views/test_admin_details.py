"""What a reviewer reads: registry links, waiting times, percentiles, and escaped text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.api import Benchmark, Claim, Flavor, Result, Site, Tag, User
from dashboard.state.admin_items import (
    ClaimCase,
    Standing,
    Submission,
    compared_fields,
    waited,
)
from dashboard.views.admin.details import (
    claim_html,
    link,
    ordinal,
    registry_url,
    standings_html,
    submission_html,
    submissions_frame,
)

HOSTILE = "<img src=x onerror=alert(1)>"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("image", "tag", "url"),
    [
        ("ubuntu", "22.04", "https://hub.docker.com/_/ubuntu"),
        ("owner/name", "1.0", "https://hub.docker.com/r/owner/name/tags?name=1.0"),
        ("ghcr.io/org/bench", "v2", "https://ghcr.io/org/bench"),
        ("registry.example.org:5000/x/y", "1", "https://registry.example.org:5000/x/y"),
    ],
    ids=["official", "docker-hub", "ghcr", "registry-with-port"],
)
def test_an_image_links_to_its_registry_page(image, tag, url):
    assert registry_url(image, tag) == url


def test_only_web_links_are_links_and_their_text_is_escaped():
    assert link("javascript:alert(1)") == "javascript:alert(1)"
    assert "<a href='https://x.org/?a=1&amp;b=2'" in link("https://x.org/?a=1&b=2")
    assert HOSTILE not in link("https://x.org", HOSTILE)


@pytest.mark.parametrize(
    ("ago", "said"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=5, minutes=3), "5 hours"),
        (timedelta(days=42, hours=23), "42 days"),
    ],
)
def test_waiting_times_are_said_in_words(ago, said):
    assert waited(NOW - ago, NOW) == said
    assert waited(None, NOW) == "unknown"


@pytest.mark.parametrize(
    ("n", "said"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd"), (100, "100th")]
)
def test_ordinals(n, said):
    assert ordinal(n) == said


def benchmark(schema: dict) -> Benchmark:
    return Benchmark("b1", "owner/" + HOSTILE, "1.0", "javascript:alert(1)", schema, HOSTILE)


def test_a_benchmark_submission_shows_its_schema_fields_escaped():
    schema = {
        "type": "object",
        "properties": {
            "result": {
                "type": "object",
                "properties": {
                    "time": {"type": "number", "unit": "s", "suggestToUser": True},
                    HOSTILE: {"type": "string", "description": HOSTILE},
                },
            }
        },
    }
    user = User("s", "i", HOSTILE)
    html = submission_html(Submission("benchmark", benchmark(schema), NOW, user.email))
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Suggested columns: result.time." in html
    assert "href='javascript" not in html  # the documentation URL is not a web link
    assert compared_fields(benchmark(schema)) == ["result.time"]


def test_a_flavor_submission_names_its_site():
    site = Site("s1", "CESGA", "Santiago de Compostela")
    item = Submission("flavor", Flavor("f1", "hpc.big", HOSTILE), NOW, "a@b.org", site)
    assert item.name == "hpc.big (at CESGA)"
    html = submission_html(item)
    assert "Santiago de Compostela" in html and HOSTILE not in html
    frame = submissions_frame([item])
    assert (
        frame.loc[0, "Name"] == "hpc.big (at CESGA)" and frame.loc[0, "Submitted by"] == "a@b.org"
    )


def test_a_claim_shows_its_message_escaped_and_where_its_result_stands():
    claim = Claim("c1", HOSTILE, "result", "r1", NOW, User("s", "i", "who@x.org"))
    gone = ClaimCase(claim, None)
    assert HOSTILE not in claim_html(gone) and "no longer has" in claim_html(gone)
    assert Standing("result.time", 4.0, 99, 396).percentile == pytest.approx(25.0)
    assert "no longer has" in standings_html(gone)


def hostile_result() -> Result:
    return Result(
        "r1",
        NOW - timedelta(days=3),
        NOW - timedelta(days=2),
        benchmark({}),
        Site("s1", HOSTILE, HOSTILE),
        Flavor("f1", HOSTILE),
        (Tag("t1", HOSTILE),),
        {"result": {"time": 4.0}},
    )


def test_a_claimed_result_is_shown_in_full_as_text_with_its_standing():
    claim = Claim("c1", "Looks off", "result", "r1", NOW, User("s", "i", "who@x.org"))
    case = ClaimCase(claim, hostile_result(), (Standing("result.time", 4.0, 99, 396),))
    html = claim_html(case)
    assert HOSTILE not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") >= 4
    assert "25th percentile" in html and "99 of 396 other results are lower" in html


def test_a_result_with_no_visible_others_says_so_instead_of_a_percentile():
    claim = Claim("c1", "Only one", "result", "r1", NOW, None)
    case = ClaimCase(claim, hostile_result(), (Standing("result.time", 4.0, 0, 0),))
    assert "no other results to compare with" in standings_html(case)
    unstated = ClaimCase(claim, hostile_result(), unstated="The comparison could not be made.")
    assert "could not be made" in standings_html(unstated)
