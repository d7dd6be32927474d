"""What the Contribute forms offer: an example per benchmark, one's own new site at once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import demo_token, until

from dashboard.api import PerfClient
from dashboard.sandbox import seed_schemas
from dashboard.schema.checks import check_result
from dashboard.schema.example import example_result
from dashboard.state.submit import SubmitState
from dashboard.state.upload import UploadState

SCHEMAS = {
    name: getattr(seed_schemas, name)
    for name in ("c_ray", "tf_cnn", "fio", "iperf3", "stream", "sysbench_cpu")
}


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_the_example_of_each_demo_benchmark_passes_its_schema(name):
    schema = SCHEMAS[name]()
    example = example_result(schema)
    assert example is not None and example != {}
    assert check_result(example, schema) == []


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "https://example.org/elsewhere.json"},
        {
            "type": "object",
            "properties": {"a": {"type": "string", "pattern": "^[0-9]+$"}},
            "required": ["a"],
        },
        {"not": {}},
    ],
    ids=["remote-ref", "required-pattern", "nothing-passes"],
)
def test_no_example_is_offered_when_none_would_pass(schema):
    assert example_result(schema) is None


def test_the_format_checks_are_ready_before_any_session():
    """The date-time and IRI checks' grammar is built when the server imports the app,
    so no visitor's first page waits for it."""
    code = "import sys, dashboard.app; print('rfc3987_syntax.syntax_helpers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


async def test_a_site_submitted_in_the_visit_is_offered_with_its_new_flavor(fresh_sandbox):
    client = PerfClient(fresh_sandbox().url, demo_token("alice"))
    submit = SubmitState(client=client)
    upload = UploadState(client=client, submitter=submit)
    await upload.start()
    site = await submit.submit_site("Lab of the visit", "Karlsruhe")
    assert site is not None and submit.message_for == "site"
    await until(lambda: site.id in {s.id for s in upload.sites} and not upload.loading)
    assert site.id in upload.awaiting_review
    upload.site_id = site.id
    flavor = await submit.submit_flavor(site.id, "lab.small")
    assert flavor is not None and submit.message_for == "flavor"
    await until(lambda: flavor.id in {f.id for f in upload.flavors} and not upload.loading)
    assert flavor.id in upload.awaiting_review
    submit.moved_on()
    assert submit.message == "" and submit.message_for == ""
    await client.aclose()
