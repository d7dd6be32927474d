"""Every operation of the API, grouped by resource as the API groups them.

Lists come three ways: ``list(...)`` one page, ``pages(...)`` an async iterator that
fetches page after page as it is consumed, and ``all(...)`` every item (page 1, then
the rest concurrently, in order). Filters are the API's query parameters, checked
by name before anything is sent.
"""

from dashboard.api.resources.catalog import Benchmarks, Flavors, Sites, Tags
from dashboard.api.resources.results import Reports, Results
from dashboard.api.resources.users import Users

__all__ = ["Benchmarks", "Flavors", "Reports", "Results", "Sites", "Tags", "Users"]
