"""Front-end files from npm packages, served by the application (no CDN).

``package.json`` in this folder pins the packages; ``npm ci --prefix src/stabilis/dashboard``
installs them into ``node_modules`` beside it (``make install`` does it). A built wheel carries the
same files, with their licences, in ``vendor/`` beside this module (``setup.py`` copies them at
packaging time), so an installed package needs no npm. Only the files listed in :data:`VENDOR`
are served, under ``/vendor/<name>``. When they are missing the pages say how to install them
instead of drawing nothing.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from stabilis.errors import NotFoundError

HERE = Path(__file__).resolve().parent
INSTALL_HINT = "npm ci --prefix src/stabilis/dashboard"

#: Served name -> path inside node_modules (package versions are pinned in package.json).
VENDOR = {
    "d3.min.js": "d3/dist/d3.min.js",
    "topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    # Natural Earth 1:50m admin-0 countries (small states such as Malta are drawn at this scale).
    "countries-50m.json": "world-atlas/countries-50m.json",
}


def default_root() -> Path:
    """Where the front-end files are: ``vendor/`` in an installed wheel, else ``node_modules``."""
    packaged = HERE / "vendor"
    return packaged if not missing_files(packaged) else HERE / "node_modules"


def missing_files(root: Path) -> list[str]:
    """Vendor files not present under ``root`` (an empty list when all are installed)."""
    return [name for name, rel in VENDOR.items() if not (root / rel).is_file()]


def router(root: Path) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.get("/vendor/{name}")
    def vendor(name: str) -> FileResponse:
        rel = VENDOR.get(name)
        if rel is None or not (root / rel).is_file():
            raise NotFoundError(
                f"The front-end file '{name}' is not installed under {root}. Install the "
                f"dashboard's npm packages with '{INSTALL_HINT}' (or 'make install').",
                details={"file": name, "folder": str(root)},
            )
        return FileResponse(root / rel, headers={"Cache-Control": "public, max-age=86400"})

    return routes
