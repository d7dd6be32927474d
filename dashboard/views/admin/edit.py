"""The administrators' editors: a site with its flavors, and tags.

A failed save keeps what was typed and says why; a successful one reloads the catalog,
and the form then shows what the service holds.
"""

from __future__ import annotations

import panel as pn

from dashboard.state.admin import AdminQueue


def _label(name: str, pending: bool) -> str:
    return f"{name} (awaiting review)" if pending else name


def _form(label: str, what: str, save):
    """A choice of the item to edit, its name and description, and a save button."""
    chosen = pn.widgets.Select(label=label, options={}, width=320)
    name = pn.widgets.TextInput(label="Name")
    description = pn.widgets.TextAreaInput(
        label="Description", height=80, sizing_mode="stretch_width"
    )
    button = pn.widgets.Button(label=f"Save {what}", color="primary")
    button.on_click(save)
    return chosen, name, description, button


class CatalogEditor(pn.viewable.Viewer):
    """Edit a site's name, address and description, its flavors, and tags."""

    def __init__(self, queue: AdminQueue, **params) -> None:
        super().__init__(**params)
        self.queue = queue
        self.site, self.site_name, self.site_description, save_site = _form(
            "Site", "the site", self._save_site
        )
        self.site_address = pn.widgets.TextInput(label="Address")
        self.flavor, self.flavor_name, self.flavor_description, save_flavor = _form(
            "Flavor of the site", "the flavor", self._save_flavor
        )
        self.tag, self.tag_name, self.tag_description, save_tag = _form(
            "Tag", "the tag", self._save_tag
        )

        queue.param.watch(self._sites_loaded, "sites")
        queue.param.watch(self._flavors_loaded, "flavors")
        queue.param.watch(self._tags_loaded, "tags")
        self.site.param.watch(self._site_chosen, "value")
        self.flavor.param.watch(self._flavor_chosen, "value")
        self.tag.param.watch(self._tag_chosen, "value")
        self._layout = pn.Column(
            pn.Card(
                self.site,
                pn.Row(self.site_name, self.site_address),
                self.site_description,
                save_site,
                # a rule of our own: Panel's Divider fetches its stylesheet from Panel's
                # CDN when it is added after the page loaded (offline hubs have none)
                pn.pane.HTML("<hr>", sizing_mode="stretch_width"),
                self.flavor,
                self.flavor_name,
                self.flavor_description,
                save_flavor,
                title="A site and its flavors",
                sizing_mode="stretch_width",
            ),
            pn.Card(
                self.tag,
                self.tag_name,
                self.tag_description,
                save_tag,
                title="A tag",
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )
        self._shown: dict[str, object] = {}  # the record each form shows
        self._sites_loaded()
        self._tags_loaded()

    def __panel__(self):
        return self._layout

    # The choices follow the catalog, and a reload keeps the item chosen (by id). A form
    # is refilled only when its record changed (another item chosen, or saved): a reload
    # for some other reason never overwrites what is being typed.

    def _show(self, form: str, record, fill) -> None:
        if record is not None and self._shown.get(form) != record:
            self._shown[form] = record
            fill(record)

    def _sites_loaded(self, *_events) -> None:
        pending = {s.id for s in self.queue.submissions if s.kind == "site"}
        self.site.options = {_label(s.name, s.id in pending): s.id for s in self.queue.sites}
        self._show_site()

    def _show_site(self) -> None:
        def fill(site) -> None:
            self.site_name.value = site.name
            self.site_address.value = site.address
            self.site_description.value = site.description

        self._show("site", self._chosen(self.queue.sites, self.site), fill)

    async def _site_chosen(self, _event=None) -> None:
        self._show_site()
        if self.site.value:
            await self.queue.load_flavors(self.site.value)

    def _flavors_loaded(self, *_events) -> None:
        pending = {s.id for s in self.queue.submissions if s.kind == "flavor"}
        self.flavor.options = {_label(f.name, f.id in pending): f.id for f in self.queue.flavors}
        self._flavor_chosen()

    def _flavor_chosen(self, *_events) -> None:
        def fill(flavor) -> None:
            self.flavor_name.value = flavor.name
            self.flavor_description.value = flavor.description

        self._show("flavor", self._chosen(self.queue.flavors, self.flavor), fill)

    def _tags_loaded(self, *_events) -> None:
        self.tag.options = {t.name: t.id for t in self.queue.tags}
        self._tag_chosen()

    def _tag_chosen(self, *_events) -> None:
        def fill(tag) -> None:
            self.tag_name.value = tag.name
            self.tag_description.value = tag.description

        self._show("tag", self._chosen(self.queue.tags, self.tag), fill)

    @staticmethod
    def _chosen(records, select):
        return next((r for r in records if r.id == select.value), None)

    async def _save_site(self, _event=None) -> None:
        site = self._chosen(self.queue.sites, self.site)
        if site is not None:
            await self.queue.save_site(
                site, self.site_name.value, self.site_address.value, self.site_description.value
            )

    async def _save_flavor(self, _event=None) -> None:
        flavor = self._chosen(self.queue.flavors, self.flavor)
        if flavor is not None and await self.queue.save_flavor(
            flavor, self.flavor_name.value, self.flavor_description.value
        ):
            await self.queue.load_flavors(self.site.value)

    async def _save_tag(self, _event=None) -> None:
        tag = self._chosen(self.queue.tags, self.tag)
        if tag is not None:
            await self.queue.save_tag(tag, self.tag_name.value, self.tag_description.value)
