"""The analyst's dashboard: server-rendered pages with a little JavaScript, served by the API app.

Pages (templates under ``templates/``): the overview map, countries and a profile per country,
forecasts, impact case studies, the registry, the data sources and the API route list. Charts
are drawn in the browser with d3 from the JSON API; every script, style sheet and map file is
served by the application itself (:mod:`.assets`), never from a CDN.
"""

from stabilis.dashboard.pages import mount

__all__ = ["mount"]
