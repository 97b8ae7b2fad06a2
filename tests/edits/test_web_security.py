"""Security of the write paths over HTTP (API and dashboard forms), on a copy of the built
warehouse with its own edits store: 401, 403, CSRF, expired and revoked tokens, rate-limited
sign-in, SQL and HTML injection, conflicts, the sign-in-required setting."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stabilis.accounts.roles import User
from stabilis.accounts.service import token_hash
from stabilis.api import create_app
from stabilis.config import Settings
from stabilis.workspace import Workspace

from .conftest import MDA_STEP, PASSWORD
from .test_done_means_cli import copy_data_dir

pytestmark = pytest.mark.integration

OPERATOR = User("operator:test", "admin", "127.0.0.1")


@pytest.fixture(scope="module")
def data_dir(built: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_data_dir(built, tmp_path_factory.mktemp("web-security") / "data")


@pytest.fixture
def ws(data_dir: Path) -> Workspace:
    """A workspace over the copied warehouse with a fresh edits store per test."""
    for path in data_dir.glob("edits.sqlite*"):
        path.unlink()
    workspace = Workspace(Settings(data_dir=data_dir))
    for name, role in (("ada", "admin"), ("erin", "editor"), ("ana", "analyst"), ("vic", "viewer")):
        workspace.accounts.add_user(name, PASSWORD, role, actor=OPERATOR)
    return workspace


@pytest.fixture
def client(ws: Workspace):
    with TestClient(create_app(ws, cache_size=0), base_url="http://127.0.0.1") as test_client:
        yield test_client


def token(client: TestClient, name: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"username": name, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['data']['token']}"}


def error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_unauthenticated_writes_are_401(client: TestClient) -> None:
    for method, path, body in (
        ("post", "/api/v1/edits", {"table": "programmes", "fields": MDA_STEP, "note": "n"}),
        ("patch", "/api/v1/edits/E-1", {"revision": 1, "decision": "approve"}),
        ("post", "/api/v1/notes", {"subject_kind": "country", "subject_id": "MDA", "body": "b"}),
        ("get", "/api/v1/audit", None),
    ):
        response = getattr(client, method)(path, **({"json": body} if body else {}))
        assert response.status_code == 401, (path, response.text)
        assert error(response)["code"] == "not_authenticated"


def test_wrong_role_is_403_right_role_succeeds(client: TestClient) -> None:
    body = {"table": "programmes", "fields": MDA_STEP, "note": "NATO lists the package."}
    assert client.post("/api/v1/edits", json=body, headers=token(client, "vic")).status_code == 403
    created = client.post("/api/v1/edits", json=body, headers=token(client, "ana"))
    assert created.status_code == 201, created.text
    edit = created.json()["data"]
    approve = {"revision": edit["revision"], "decision": "approve"}
    refused = client.patch(
        f"/api/v1/edits/{edit['edit_id']}", json=approve, headers=token(client, "ana")
    )
    assert refused.status_code == 403 and error(refused)["code"] == "forbidden"
    assert client.get("/api/v1/audit", headers=token(client, "erin")).status_code == 403
    done = client.patch(
        f"/api/v1/edits/{edit['edit_id']}", json=approve, headers=token(client, "erin")
    )
    assert done.status_code == 200 and done.json()["data"]["status"] == "approved"
    stale = client.patch(
        f"/api/v1/edits/{edit['edit_id']}", json=approve, headers=token(client, "erin")
    )
    assert stale.status_code == 409 and error(stale)["code"] == "conflict"
    log = client.get("/api/v1/audit", headers=token(client, "ada")).json()["data"]
    assert {"edit.propose", "edit.approve"} <= {e["action"] for e in log}
    assert all(e["address"] == "testclient" or e["address"] for e in log)


def test_expired_and_revoked_tokens_are_401(client: TestClient, ws: Workspace) -> None:
    headers = token(client, "ana")
    assert client.get("/api/v1/users/me", headers=headers).json()["data"]["username"] == "ana"
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 200
    revoked = client.get("/api/v1/users/me", headers=headers)
    assert revoked.status_code == 401 and error(revoked)["details"]["reason"] == "revoked"

    headers = token(client, "ana")
    con = sqlite3.connect(ws.edits_store.path)
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat(timespec="seconds")
    secret = headers["Authorization"].split()[1]
    con.execute(
        "UPDATE credentials SET expires_at = ? WHERE token_hash = ?", [past, token_hash(secret)]
    )
    con.commit()
    con.close()
    body = {"table": "programmes", "fields": MDA_STEP, "note": "n"}
    expired = client.post("/api/v1/edits", json=body, headers=headers)
    assert expired.status_code == 401 and error(expired)["details"]["reason"] == "expired"
    bogus = client.post("/api/v1/edits", json=body, headers={"Authorization": "Bearer nope"})
    assert bogus.status_code == 401
    basic = client.post("/api/v1/edits", json=body, headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401


def test_sign_in_is_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        wrong = client.post("/api/v1/tokens", json={"username": "ana", "password": "guess12345"})
        assert wrong.status_code == 401
    locked = client.post("/api/v1/tokens", json={"username": "ana", "password": PASSWORD})
    assert locked.status_code == 429 and error(locked)["code"] == "too_many_attempts"


def _sign_in(client: TestClient, name: str) -> str:
    page = client.get("/sign-in")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/sign-in",
        data={"username": name, "password": PASSWORD, "csrf_token": csrf, "next": "/registry"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    review = client.get("/registry/review")
    return re.search(r'name="csrf_token" value="([^"]+)"', review.text).group(1)


def test_sign_in_form_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"username": "ana", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    client.cookies.clear()
    page = client.get("/sign-in")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    wrong = client.post(
        "/sign-in", data={"username": "ana", "password": "nope-nope-nope", "csrf_token": csrf}
    )
    assert wrong.status_code == 401 and "wrong" in wrong.text


def test_every_form_post_needs_the_session_csrf_token(client: TestClient) -> None:
    csrf = _sign_in(client, "erin")
    form = {"table": "programmes", "note": "n", **{f"f_{k}": v for k, v in MDA_STEP.items()}}
    for data in (form, {**form, "csrf_token": "wrong"}):
        response = client.post("/registry/propose", data=data, follow_redirects=False)
        assert response.status_code == 403, response.text
    api = client.post(
        "/api/v1/edits", json={"table": "programmes", "fields": MDA_STEP, "note": "n"}
    )
    assert api.status_code == 403  # a cookie-authenticated API write needs X-CSRF-Token too
    note = client.post("/notes", data={"subject_kind": "country", "subject_id": "MDA", "body": "b"})
    assert note.status_code == 403
    review = client.post("/registry/review/E-1", data={"decision": "approve", "revision": 1})
    assert review.status_code == 403
    out = client.post("/sign-out", data={}, follow_redirects=False)
    assert out.status_code == 403
    ok = client.post("/registry/propose", data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert ok.status_code == 303 and "E-1" in ok.headers["location"]
    header = client.post(
        "/api/v1/edits",
        json={"table": "programmes", "fields": MDA_STEP, "note": "n"},
        headers={"X-CSRF-Token": csrf},
    )
    assert header.status_code == 201


@pytest.mark.parametrize(
    "field", ["country_iso3", "programme", "milestone", "kind", "start_date", "notes", "note"]
)
def test_sql_injection_in_any_field_is_refused_or_stored_as_text(
    client: TestClient, ws: Workspace, field: str
) -> None:
    attack = "x'); DROP TABLE edits; --"
    fields = dict(MDA_STEP)
    note = "n"
    if field == "note":
        note = attack
    else:
        fields[field] = attack
    response = client.post(
        "/api/v1/edits",
        json={"table": "programmes", "fields": fields, "note": note},
        headers=token(client, "ana"),
    )
    assert response.status_code in (201, 422), response.text
    if response.status_code == 201:
        stored = response.json()["data"]
        assert (stored["note"] if field == "note" else stored["fields"][field]) == attack
    else:
        assert error(response)["code"] == "invalid_edit"
    assert ws.edits_store.query("SELECT count(*) AS n FROM edits")[0]["n"] >= 0
    listed = client.get("/api/v1/edits", params={"status": "proposed' OR '1'='1"})
    assert listed.status_code == 422
    notes = client.get("/api/v1/notes", params={"subject_id": "MDA' OR '1'='1"})
    assert notes.status_code == 200 and notes.json()["data"] == []


def test_html_in_notes_and_edits_is_shown_escaped(client: TestClient) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    headers = token(client, "ana")
    note = client.post(
        "/api/v1/notes",
        headers=headers,
        json={"subject_kind": "country", "subject_id": "MDA", "body": script},
    )
    assert note.status_code == 201
    page = client.get("/notes", params={"subject_kind": "country", "subject_id": "MDA"})
    assert script not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    edit = client.post(
        "/api/v1/edits",
        headers=headers,
        json={"table": "programmes", "fields": {**MDA_STEP, "milestone": script}, "note": script},
    )
    assert edit.status_code == 201
    _sign_in(client, "erin")
    review = client.get("/registry/review")
    assert script not in review.text and "&lt;img src=x onerror=alert(1)&gt;" in review.text


def test_openapi_lists_the_write_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/edits"]
    assert "patch" in paths["/api/v1/edits/{edit_id}"]
    assert "post" in paths["/api/v1/notes"] and "post" in paths["/api/v1/tokens"]
    assert "get" in paths["/api/v1/registry/countries/{iso3}"]


def test_registry_routes_show_status_as_of_a_year_and_refuse_unknown_countries(
    client: TestClient,
) -> None:
    rows = client.get("/api/v1/registry/partnerships", params={"iso3": "RUS", "year": 2010}).json()[
        "data"
    ]
    assert {r["status_as_of"] for r in rows} == {"active"}
    rows = client.get("/api/v1/registry/partnerships", params={"iso3": "RUS", "year": 2015}).json()[
        "data"
    ]
    assert {r["status_as_of"] for r in rows} == {"suspended"}
    assert client.get("/api/v1/registry/partnerships", params={"iso3": "GOE"}).status_code == 404
    missing = client.get("/api/v1/registry/countries/GOE")
    assert missing.status_code == 404 and "no such country" in error(missing)["message"]
    mda = client.get("/api/v1/registry/countries/MDA", params={"year": 2020}).json()
    evidence = {r["id"]: r["evidence"] for r in mda["data"]}
    assert evidence["BI-MDA"] == "UNVERIFIED" and mda["meta"]["unverified"] == 2
    page = client.get("/registry", params={"table": "programmes", "year": 2010})
    assert "year=2010" in page.text and "UNVERIFIED" in page.text


def test_sign_in_can_be_required_for_everything(ws: Workspace) -> None:
    strict = Workspace(ws.settings.with_(require_sign_in=True))
    with TestClient(create_app(strict, cache_size=0)) as client:
        api = client.get("/api/v1/countries")
        assert api.status_code == 401 and error(api)["code"] == "not_authenticated"
        page = client.get("/registry", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
        assert client.get("/sign-in").status_code == 200
        headers = token(client, "vic")
        assert client.get("/api/v1/countries", headers=headers).status_code == 200


def test_sign_in_never_redirects_off_site(client: TestClient) -> None:
    page = client.get("/sign-in", params={"next": "//evil.example/x"})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/sign-in",
        follow_redirects=False,
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": csrf,
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/registry"


def test_note_form_and_audit_page_escape_what_users_typed(client: TestClient) -> None:
    script = "<script>alert(document.cookie)</script>"
    assert client.get("/admin/audit", follow_redirects=False).status_code == 303
    csrf = _sign_in(client, "ana")
    added = client.post(
        "/notes",
        data={"subject_kind": "country", "subject_id": "mda", "body": script, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert added.status_code == 303 and "subject_id=MDA" in added.headers["location"]
    notes = client.get(added.headers["location"])
    assert script not in notes.text and "&lt;script&gt;" in notes.text
    assert client.get("/admin/audit").status_code == 403  # an analyst is not an admin
    client.cookies.clear()
    _sign_in(client, "ada")
    audit = client.get("/admin/audit")
    assert audit.status_code == 200 and "note.add" in audit.text
    assert script not in audit.text and "&lt;script&gt;" in audit.text
    assert PASSWORD not in audit.text
    form = client.get("/registry/propose", params={"table": "programmes", "row_id": "DCB-MDA"})
    assert 'value="MDA"' in form.text and "Correct DCB-MDA" in form.text


def test_the_installed_command_exits_non_zero_for_an_unknown_country(data_dir: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "stabilis.cli", "--data-dir", str(data_dir), "registry",
         "frameworks", "GOE"],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    )  # fmt: skip
    assert result.returncode == 8
    assert "no such country 'GOE'" in result.stderr
