"""Registration: an explicit acceptance of the terms, then the user is registered."""

from __future__ import annotations

import httpx
from bokeh.document import Document
from helpers import demo_token, until

from dashboard.api import PerfClient
from dashboard.app import session_state
from dashboard.views.contribute.registration import PRIVACY_POLICY_URL, RegistrationPanel


def registered_emails(url: str) -> set[str]:
    admin = {"Authorization": "Bearer demo-token-admin"}
    users = httpx.get(f"{url}/users", headers=admin, params={"per_page": 100}).json()["items"]
    return {user["email"] for user in users}


async def test_registering_needs_the_terms_accepted_first(fresh_sandbox):
    url = fresh_sandbox().url
    state = session_state(url, None, sandbox=True)
    client = state.client
    panel = RegistrationPanel(state=state)
    panel.__panel__().get_root(Document())
    await state.refresh()
    assert not panel.__panel__().visible, "anonymous: nothing to register"

    state.identity = "bob"  # signed in, not registered
    await until(lambda: state.signed_in and not state.loading)
    assert not state.registered and panel.__panel__().visible
    markdown, checkbox, button, _problem = panel.__panel__().objects
    assert PRIVACY_POLICY_URL in markdown.object and button.disabled

    await state.register()  # without the box ticked: refused, nothing sent
    assert "accept the terms" in state.registration_problem
    assert "bob@example.org" not in registered_emails(url)

    checkbox.value = True
    assert not button.disabled
    await state.register()
    assert state.registered and state.user.email == "bob@example.org"
    assert "bob@example.org" in registered_emails(url)
    assert not panel.__panel__().visible and state.registration_problem == ""

    state.identity = "alice"  # another person: their own acceptance, not bob's
    await until(lambda: not state.loading and state.user.email == "alice@example.org")
    assert state.terms_accepted is False
    await client.aclose()


async def test_a_registered_user_goes_straight_to_the_contributor_tabs(sandbox_url):
    from dashboard.state.submit import SubmitState
    from dashboard.state.upload import UploadState
    from dashboard.views.contribute.panel import ContributePanel

    state = session_state(sandbox_url, None, sandbox=True)
    client = state.client
    registration = RegistrationPanel(state=state)
    submit = SubmitState(client=client)
    upload = UploadState(client=client, submitter=submit)
    contribute = ContributePanel(state=state, upload=upload, submit=submit)
    for view in (registration, contribute):
        view.__panel__().get_root(Document())
    await state.refresh()
    hint, tabs = contribute.__panel__().objects
    assert "Choose a demo identity (in the sidebar) to contribute" in hint.object  # a sandbox
    assert not tabs.visible

    state.identity = "alice"  # signed in and registered in one change of the state
    await until(lambda: state.registered and not state.loading)
    assert not registration.__panel__().visible
    assert tabs.visible and not hint.visible
    await until(lambda: upload.benchmarks and submit.my_results)  # loaded for her
    state.identity = "anonymous"
    await until(lambda: not state.signed_in and not state.loading)
    assert not tabs.visible and submit.my_results == [] and upload.uploads == []
    await client.aclose()


async def test_my_results_tags_are_changed_from_the_list(fresh_sandbox):
    import panel as pn

    from dashboard.state.submit import SubmitState
    from dashboard.state.upload import UploadState
    from dashboard.views.contribute.submit import MinePanel

    client = PerfClient(fresh_sandbox().url, demo_token("alice"))
    submit = SubmitState(client=client)
    upload = UploadState(client=client, submitter=submit)
    panel = MinePanel(submit, upload)
    panel.__panel__().get_root(Document())
    await upload.start()
    await submit.load_mine()
    chosen = next(w for w in panel.__panel__().select(pn.widgets.Select))
    tags = next(w for w in panel.__panel__().select(pn.widgets.MultiChoice))
    (table,) = panel.__panel__().select(pn.widgets.Tabulator)
    assert len(table.value) == len(submit.my_results) > 0
    assert set(table.value["id"]) == {r.id for r in submit.my_results}
    result = submit.my_results[0]
    chosen.value = result.id
    assert tags.value == [t.id for t in result.tags]
    new_tag = next(t for t in upload.tags if t.id not in tags.value)
    tags.value = [*tags.value, new_tag.id]
    await submit.retag(chosen.value, list(tags.value))
    stored = await client.results.get(result.id)
    assert new_tag.id in {t.id for t in stored.tags}
    assert submit.message == "Tags changed."
    await client.aclose()
