"""The application shell: where we are connected, who is signed in, the latest results."""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import parse_qsl, urlencode

import panel as pn
import param
from bokeh.models.widgets.tables import DateFormatter
from panel.theme import THEMES

from dashboard.state import ANONYMOUS
from dashboard.views.alerts import alert
from dashboard.views.base import SessionView
from dashboard.views.choices import quiet_choices
from dashboard.views.contribute.registration import RegistrationPanel
from dashboard.views.no_math import serve_without_mathjax
from dashboard.views.tab_link import keep_tab_in_url

TITLE = "EOSC Performance"
#: The query parameter that keeps a sandbox session's demo identity over a reload.
IDENTITY_IN_URL = "identity"
log = logging.getLogger("dashboard")


class Fast(pn.theme.Fast):
    """Panel's Fast design without its Google Fonts stylesheet.

    Behind a firewall (and on our test machines) fonts.googleapis.com cannot be reached,
    and the browser logs an error on every page load; the design's font falls back to the
    system's sans-serif. The class keeps the name ``Fast``: Panel finds a design's bundled
    files by its class name.
    """

    _resources = {**pn.theme.Fast._resources, "font": {}}


class FastListTemplate(pn.template.FastListTemplate):
    """Panel's page template, taking from a link's ``?theme=`` only a theme it has.

    Panel looks the value up unchecked: any other word raised while the page was built,
    and the visitor got a traceback instead of the dashboard. The class keeps Panel's
    name, by which Panel finds the template's bundled files.
    """

    @staticmethod
    def _get_theme_from_query_args():
        theme = pn.template.FastListTemplate._get_theme_from_query_args()
        return theme if theme in THEMES else None


def connection_html(api_url: str, sandbox: bool, connection: str, problem: str) -> str:
    """A one-line description of the connection (text from outside is escaped)."""
    where = "the sandbox API" if sandbox else "the performance service"
    url = f"<code>{escape(api_url)}</code>"
    if connection == "unreachable":
        return f"<b>Cannot reach {where}</b> at {url}: {escape(problem)}"
    if connection == "failing":
        return f"<b>{where.capitalize()} is failing</b> at {url}: {escape(problem)}"
    if connection == "connecting":
        return f"Connecting to {where} at {url}…"
    return f"Connected to {where} at {url}"


def identity_html(signed_in: bool, user, registered: bool, admin: bool) -> str:
    """Who the session acts as, in words."""
    if not signed_in:
        return "Not signed in: you can look at everything, but not change anything."
    if not registered:
        return "Signed in, but not registered yet."
    role = "administrator" if admin else "registered user"
    return f"Signed in as <b>{escape(user.email)}</b> ({role})"


class ConnectionStatus(SessionView):
    """Where the dashboard is connected; a retry button when the API could not be reached."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        self._text = pn.pane.HTML(
            pn.bind(
                connection_html,
                state.param.api_url,
                state.param.sandbox,
                state.param.connection,
                state.param.problem,
            ),
            margin=(5, 10),
        )
        self._retry = pn.widgets.Button(
            label="Retry",
            color="primary",
            visible=state.param.connection.rx().rx.in_(["unreachable", "failing"]),
            disabled=state.param.loading,
        )
        self._retry.on_click(self._on_retry)
        self._layout = pn.Row(self._text, self._retry, sizing_mode="stretch_width")

    async def _on_retry(self, _event) -> None:
        await self.state.retry()


class IdentityPanel(SessionView):
    """Who is signed in; in sandbox mode, a choice of demo identities."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        self._text = pn.pane.HTML(
            pn.bind(
                identity_html,
                state.param.signed_in,
                state.param.user,
                state.param.registered,
                state.param.admin,
            ),
            margin=(5, 10),
        )
        parts = [self._text]
        if state.sandbox:
            self._chooser = pn.widgets.Select.from_param(
                state.param.identity,
                label="Demo identity",
                options={"Anonymous (read-only)": ANONYMOUS, **state.demo_identities},
                sizing_mode="stretch_width",
            )
            parts.insert(0, self._chooser)
            state.param.watch(self._relabel, "checks")
        self._layout = pn.Column(*parts, sizing_mode="stretch_width")

    def _relabel(self, *_events) -> None:
        """The chosen identity's label says what the service just said of it (Bob is
        "not yet registered" only until he registers)."""
        state = self.state
        if not state.signed_in:
            return
        if state.admin:
            role = "demo administrator"
        else:
            role = "demo user, " + ("registered" if state.registered else "not yet registered")
        options = {}
        for label, key in self._chooser.options.items():
            if key == state.identity:
                label = f"{label.split(' (', 1)[0]} ({role})"
            options[label] = key
        if options != self._chooser.options:
            self._chooser.param.update(options=options, value=state.identity)

    def keep_in_url(self) -> None:
        """Keep the demo identity in the page's address, so that a reload (the theme
        switch reloads the page) goes on as the same person. The address's value is
        taken only if it names one of the demo identities, as the list would."""
        location = pn.state.location
        state = self.state
        if location is None or not state.sandbox:
            return
        asked = dict(parse_qsl(location.search.lstrip("?"))).get(IDENTITY_IN_URL)
        if asked in state.demo_identities.values():
            state.identity = asked

        def write(*_events) -> None:
            query = [
                (name, value)
                for name, value in parse_qsl(location.search.lstrip("?"))
                if name != IDENTITY_IN_URL
            ]
            if state.identity != ANONYMOUS:
                query.append((IDENTITY_IN_URL, state.identity))
            location.search = f"?{urlencode(query)}" if query else ""

        state.param.watch(write, "identity")
        if asked is not None and asked != state.identity:
            # a name the list does not offer leaves the address too, once the page has
            # told the server its address (it would write it back over an earlier change)
            pn.state.onload(write)


class LatestResults(SessionView):
    """The most recently uploaded results, with a loading state and errors in words."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        self._heading = pn.pane.HTML(
            pn.bind(self._heading_text, state.param.latest_count), margin=(0, 10)
        )
        self._table = pn.widgets.Tabulator(
            state.param.latest,
            disabled=True,
            show_index=False,
            layout="fit_data_stretch",  # whole names; a narrow page scrolls the table
            sizing_mode="stretch_width",
            formatters={
                "Executed (UTC)": DateFormatter(format="%Y-%m-%d %H:%M"),
                "Uploaded (UTC)": DateFormatter(format="%Y-%m-%d %H:%M"),
            },
            loading=state.param.loading,
            css_classes=["latest-table"],
        )
        self._alert = alert(state.param.problem, "danger")
        self._layout = pn.Column(self._heading, self._alert, self._table)

    @staticmethod
    def _heading_text(count: int) -> str:
        return f"<h3>Latest uploads ({count:,} results in all)</h3>"


class AppShell(SessionView):
    """The whole application: status and identity in the header, content in tabs."""

    compare = param.Parameter(default=None, doc="The Compare view (the first tab), if any.")
    explorer = param.Parameter(default=None, doc="The results explorer's view, if any.")
    contribute = param.Callable(
        default=None,
        doc="Builds the Contribute tab's view, when the tab is first opened (none: no tab).",
    )
    admin = param.Callable(
        default=None,
        doc="Builds the Admin tab's view; called only for an administrator's session.",
    )

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self.connection = ConnectionStatus(state=self.state)
        self.identity = IdentityPanel(state=self.state)
        self.registration = RegistrationPanel(state=self.state)
        # The tabs behind the first are built when first opened: most visitors never
        # open them, and Contribute's forms and tables cost a new session about as much
        # as the first screen does.
        self._latest_view: LatestResults | None = None
        self._latest_tab = pn.Column(sizing_mode="stretch_width")
        tabs = [("Latest results", self._latest_tab)]
        self.contribute_view = None
        self._contribute_tab = pn.Column(sizing_mode="stretch_width")
        if self.contribute is not None:
            tabs.insert(0, ("Contribute", self._contribute_tab))
        self._explore_tab = None
        if self.explorer is not None:
            self._explore_tab = pn.Column(self.explorer, sizing_mode="stretch_width")
            tabs.insert(0, ("Explore", self._explore_tab))
        self._compare_tab = None
        if self.compare is not None:
            self._compare_tab = pn.Column(self.compare, sizing_mode="stretch_width")
            tabs.insert(0, ("Where to run", self._compare_tab))
        self.tabs = pn.Tabs(
            *tabs, dynamic=True, sizing_mode="stretch_width", css_classes=["main-tabs"]
        )
        self.tabs.param.watch(self._tab_opened, "active")
        if self.tabs.objects[0] is self._latest_tab:
            self._open_latest()  # the first tab, shown at once
        self.admin_view = None  # built for administrators only, dropped when that changes
        self._admin_tab: pn.Column | None = None
        self._admin_for: tuple | None = None
        # another identity: its Admin tab goes at once; the next check says whether to build one
        self.state.param.watch(lambda _event: self._drop_admin(), "identity")
        self.state.param.watch(self._identity_checked, "checks")
        self._layout = pn.Column(
            self.connection,
            self.identity,
            self.registration,
            self.tabs,
            sizing_mode="stretch_width",
        )

    @property
    def latest(self) -> LatestResults:
        """The Latest results tab's view (built on first use)."""
        return self._open_latest()

    def _open_latest(self) -> LatestResults:
        if self._latest_view is None:
            self._latest_view = LatestResults(state=self.state)
            self._latest_tab.objects = [self._latest_view]
        return self._latest_view

    async def _tab_opened(self, event) -> None:
        tab = self.tabs.objects[event.new] if 0 <= event.new < len(self.tabs) else None
        if tab is self._latest_tab:
            self._open_latest()
            return
        if tab is not self._contribute_tab or self.contribute_view is not None:
            return
        view = self.contribute_view = self.contribute()
        tab.objects = [view]
        if self.state.registered:  # registered before the tab was built: load for them now
            await view.load()

    async def _identity_checked(self, *_events) -> None:
        state = self.state
        admin_for = (state.identity, state.user.sub if state.user else None)
        if not state.admin or self.admin is None:
            admin_for = None
        if admin_for == self._admin_for:
            return
        self._drop_admin()
        self._admin_for = admin_for
        if admin_for is None:
            return
        view = self.admin_view = self.admin()
        self._admin_tab = pn.Column(view, sizing_mode="stretch_width")
        self.tabs.append((self._admin_title(), self._admin_tab))
        view.queue.param.watch(self._retitle_admin, "pending")
        await view.queue.load()

    def _admin_title(self) -> str:
        view = self.admin_view
        pending = view.queue.pending if view is not None else 0
        return f"Admin ({pending} pending)" if pending else "Admin"

    def _retitle_admin(self, *_events) -> None:
        # A rendered tab keeps its title: the tab is replaced by a new wrapper of the
        # same view to show the new count.
        if self._admin_tab is None or self._admin_tab not in self.tabs.objects:
            return
        index = self.tabs.objects.index(self._admin_tab)
        self._admin_tab = pn.Column(self.admin_view, sizing_mode="stretch_width")
        self.tabs[index] = (self._admin_title(), self._admin_tab)

    def _drop_admin(self) -> None:
        """Remove the Admin tab and everything behind it (another identity now)."""
        if self.admin_view is not None:
            self.admin_view.queue.stop()
        if self._admin_tab is not None and self._admin_tab in self.tabs.objects:
            self.tabs.active = 0
            self.tabs.remove(self._admin_tab)
        self.admin_view = self._admin_tab = self._admin_for = None

    def showing_compare(self) -> bool:
        """Whether the open tab is Where to run."""
        return self.tabs.objects[self.tabs.active] is self._compare_tab

    def keep_tab_in_url(self) -> None:
        """Keep the open tab in the page's address (:func:`~.tab_link.keep_tab_in_url`)."""
        tabs = (self._compare_tab, self._explore_tab, self._contribute_tab, self._latest_tab)
        names = ("compare", "explore", "contribute", "latest")
        keep_tab_in_url(self.tabs, dict(zip(names, tabs, strict=True)))

    def close(self) -> None:
        """Stop the work of the parts this shell built itself (the session is ending).

        The page is gone by then and Panel has taken its models apart: the layout is
        left as it is, only the work stops.
        """
        if self.admin_view is not None:
            self.admin_view.queue.stop()

    def failed(self, error: BaseException) -> None:
        """An error that escaped a callback: logged in full, said in words, not raised at
        the page (Panel's ``exception_handler``)."""
        log.error("A callback of this session failed", exc_info=error)
        self.state.unforeseen = (
            f"Something went wrong here ({type(error).__name__}); the details are in the "
            "dashboard's log. What you typed is kept: try again, or reload the page."
        )

    def template(self) -> pn.template.BaseTemplate:
        """The shell in a page template, for ``panel serve``: the explorer's filters in
        the sidebar (under who is signed in) while Explore is open, its answer in the
        main area."""
        unforeseen = alert(self.state.param.unforeseen, "danger")
        sidebar = [self.identity]
        if self._compare_tab is not None and hasattr(self.compare, "content"):
            self._compare_tab.objects = [self.compare.content]
            controls = self.compare.controls
            sidebar.append(controls)

            def follow_compare(*_events) -> None:
                controls.visible = self.tabs.objects[self.tabs.active] is self._compare_tab

            self.tabs.param.watch(follow_compare, "active")
            follow_compare()
        if self._explore_tab is not None and hasattr(self.explorer, "content"):
            self._explore_tab.objects = [self.explorer.content]
            filters = self.explorer.filters
            sidebar.append(filters)

            def follow(*_events) -> None:
                filters.visible = self.tabs.objects[self.tabs.active] is self._explore_tab

            self.tabs.param.watch(follow, "active")
            follow()
        page = FastListTemplate(
            title=TITLE,
            header=[self.connection],
            sidebar=sidebar,
            sidebar_width=300,
            main=[pn.Column(unforeseen, self.registration, self.tabs, sizing_mode="stretch_width")],
            accent="#0b3d91",
            design=Fast,
        )
        serve_without_mathjax()
        return quiet_choices(page)
