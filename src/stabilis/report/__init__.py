"""Reports over the warehouse and the services: what an analyst reads, prints or downloads.

* :mod:`.provenance` — the citation bundle every export carries (sources, releases, snapshot
  checksums, licences, citations) and the writers that attach it to Parquet, CSV (a Frictionless
  Data Package) and JSON;
* :mod:`.country` — the country sections the profile page and the brief share (headline
  indicators, regime episodes, registry record, forecasts, impact, threats, resilience,
  support), each saying so when its service has nothing;
* :mod:`.charts` — static SVG charts (no script: they print and work offline);
* :mod:`.brief` — the printable country brief, as HTML or PDF (WeasyPrint).

No web framework here: the CLI, the API and the dashboard call these functions with a Workspace.
Heavy libraries (pandas, pyarrow, jinja2, weasyprint) are imported inside functions.
"""
