"""The JSON API (``/api/v1/...``) and the web application that also serves the dashboard.

``create_app(ws)`` returns a FastAPI application over a Workspace; ``stabilis serve`` runs it with
uvicorn. Bodies are ``{"data": ..., "meta": ...}`` or ``{"error": {"code", "message", "details"}}``.
FastAPI loads only when this package is imported, so ``import stabilis`` stays light.
"""

from stabilis.api.app import create_app

__all__ = ["create_app"]
