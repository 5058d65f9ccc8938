"""Trusted documents: a client registers its operations ahead of time and sends
`{"documentId": "sha256:<hex>"}`; a trusted-documents-only client runs nothing else, on any
path (HTTP, the fast path for compiled reads, WebSocket), while GraphiQL and other clients stay
free."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from auth.oauth.clients import GRAPHIQL_CLIENT_ID, mint_token
from auth.oauth.documents import push_documents, set_trusted_documents_only
from cli.documents import DocumentError, read_documents
from config import Settings
from tests.support import factories as f
from tests.support.graphql_client import EVERY_SCOPE, TokenMaker, error_codes
from tests.support.oauth_helpers import make_web_client
from tests.support.ws_client import WSClient, live_server

VIEWER = "query Me { viewer { email } }"
TEAMS = "query Teams { teams(first: 5) { totalCount } }"
FREE_TEXT = "{ viewer { email } }"  # the same question as VIEWER, in text nobody registered
TASK_EVENTS = "subscription Tasks { taskEvents { id type } }"


def document_id(body: str) -> str:
    return "sha256:" + hashlib.sha256(body.encode()).hexdigest()


@dataclass
class App:
    """An OAuth client (a mobile app) and a token it holds for ada."""

    client_id: str
    token: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def new_app(settings: Settings, *, trusted_only: bool, documents: tuple[str, ...] = ()) -> App:
    created = await make_web_client(public=True, scopes=EVERY_SCOPE)
    await push_documents(created.client_id, {document_id(d)[7:]: d for d in documents})
    await set_trusted_documents_only(created.client_id, trusted_only)
    minted = await mint_token(
        settings, scopes=EVERY_SCOPE, employee_email="ada@example.com", client_id=created.client_id
    )
    return App(created.client_id, str(minted["access_token"]))


@pytest.fixture
async def mobile(auth_started: Settings) -> App:
    """A trusted-documents-only app that registered VIEWER, TEAMS and TASK_EVENTS."""
    await f.employee(email="ada@example.com")
    return await new_app(auth_started, trusted_only=True, documents=(VIEWER, TEAMS, TASK_EVENTS))


async def post(http: httpx.AsyncClient, app: App | None, body: dict[str, Any]) -> httpx.Response:
    return await http.post("/graphql", json=body, headers=app.headers() if app else {})


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_registered_document_runs_by_its_id(
    http: httpx.AsyncClient, mobile: App, method: str
) -> None:
    # when the app sends only the id of a document it registered
    if method == "GET":
        response = await http.get(
            "/graphql", params={"documentId": document_id(VIEWER)}, headers=mobile.headers()
        )
    else:
        response = await post(http, mobile, {"documentId": document_id(VIEWER)})

    # then the document runs
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"email": "ada@example.com"}}


async def test_an_unknown_or_foreign_document_id_is_not_found(
    http: httpx.AsyncClient, mobile: App, auth_started: Settings
) -> None:
    # given another app that registered a document of its own
    other = await new_app(auth_started, trusted_only=False, documents=("query Other { viewer { id } }",))

    # when ids are sent that this app never registered, or that are not ids
    unknown = await post(http, mobile, {"documentId": document_id("query Nope { viewer { id } }")})
    foreign = await post(http, mobile, {"documentId": document_id("query Other { viewer { id } }")})
    anonymous = await post(http, None, {"documentId": document_id(VIEWER)})
    malformed = await post(http, mobile, {"documentId": "md5:abc"})
    both = await post(http, mobile, {"documentId": document_id(VIEWER), "query": VIEWER})

    # then each gets a clear refusal, and nothing runs
    for response in (unknown, foreign, anonymous):
        assert error_codes(response.json()) == ["DOCUMENT_NOT_FOUND"]
        assert response.json()["data"] is None
    assert error_codes(malformed.json()) == ["BAD_USER_INPUT"]
    assert error_codes(both.json()) == ["BAD_USER_INPUT"]
    assert other.client_id != mobile.client_id


async def test_a_trusted_only_client_runs_no_free_text_nor_automatic_persisted_queries(
    http: httpx.AsyncClient, mobile: App
) -> None:
    # when the trusted-only app sends text it never registered, twice (the second time the fast
    # path for compiled reads would answer it), or an automatic persisted query
    first = await post(http, mobile, {"query": FREE_TEXT})
    second = await post(http, mobile, {"query": FREE_TEXT})
    apq = {"version": 1, "sha256Hash": document_id(VIEWER)[7:]}
    persisted = await post(http, mobile, {"query": VIEWER, "extensions": {"persistedQuery": apq}})
    registered_text = await post(http, mobile, {"query": VIEWER})

    # then all are refused with DOCUMENT_NOT_TRUSTED; the text of a registered document is that document
    for response in (first, second, persisted):
        assert error_codes(response.json()) == ["DOCUMENT_NOT_TRUSTED"]
        assert response.json()["data"] is None
    assert registered_text.json()["data"] == {"viewer": {"email": "ada@example.com"}}


async def test_other_clients_and_graphiql_stay_free(
    http: httpx.AsyncClient, mobile: App, auth_started: Settings, tokens: TokenMaker
) -> None:
    # given an app that registered a document but is not trusted-only
    web = await new_app(auth_started, trusted_only=False, documents=(TEAMS,))

    # when it sends free text and a document id, and an operator's token sends free text
    free = await post(http, web, {"query": FREE_TEXT})
    by_id = await post(http, web, {"documentId": document_id(TEAMS)})
    operator = await http.post(
        "/graphql",
        json={"query": FREE_TEXT},
        headers={"Authorization": f"Bearer {await tokens('ada@example.com')}"},
    )

    # then all run, and GraphiQL cannot be made trusted-only
    assert free.json()["data"] == {"viewer": {"email": "ada@example.com"}}
    assert by_id.json()["data"] == {"teams": {"totalCount": 0}}
    assert operator.json()["data"] == {"viewer": {"email": "ada@example.com"}}
    with pytest.raises(ValueError, match="GraphiQL"):
        await set_trusted_documents_only(GRAPHIQL_CLIENT_ID, True)


async def test_a_subscription_runs_by_document_id_over_the_websocket(app: Any, mobile: App) -> None:
    async with live_server(app) as url:
        ws = await WSClient.connect(url, mobile.token)
        try:
            # when the app subscribes by id, by an unknown id, and with free text
            by_id = "by-id"
            await ws.send(
                {"id": by_id, "type": "subscribe", "payload": {"documentId": document_id(TASK_EVENTS)}}
            )
            await ws.send(
                {
                    "id": "unknown",
                    "type": "subscribe",
                    "payload": {"documentId": document_id("subscription X { taskEvents { id } }")},
                }
            )
            free = await ws.subscribe("subscription { taskEvents { type } }")
            unknown, refused = await ws.receive("unknown"), await ws.receive(free)
            # the connection still serves the registered document: a query by id answers
            await ws.send(
                {"id": "query", "type": "subscribe", "payload": {"documentId": document_id(VIEWER)}}
            )
            answered = await ws.next_data("query")
        finally:
            await ws.close()

    # then only the registered documents run
    assert unknown["type"] == "error" and unknown["payload"][0]["extensions"]["code"] == "DOCUMENT_NOT_FOUND"
    assert (
        refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
    )
    assert answered == {"viewer": {"email": "ada@example.com"}}


def test_push_reads_graphql_files_and_both_manifest_formats(tmp_path: Path) -> None:
    # given a .graphql file with two operations, a codegen manifest and an Apollo manifest
    operations = tmp_path / "operations.graphql"
    operations.write_text(VIEWER + "\n" + TEAMS + "\n")
    codegen = tmp_path / "persisted-documents.json"
    codegen.write_text(json.dumps({document_id(FREE_TEXT): FREE_TEXT, document_id(TEAMS)[7:]: TEAMS}))
    apollo = tmp_path / "persisted-query-manifest.json"
    apollo.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": document_id(VIEWER)[7:], "name": "Me", "type": "query", "body": VIEWER}
                ],
            }
        )
    )

    # when they are read
    documents = read_documents([operations, codegen, apollo])

    # then every document is known by the SHA-256 of its text
    assert {digest: body for digest, (body, _) in documents.items()} == {
        document_id(VIEWER + "\n" + TEAMS + "\n")[7:]: VIEWER + "\n" + TEAMS + "\n",
        document_id(FREE_TEXT)[7:]: FREE_TEXT,
        document_id(TEAMS)[7:]: TEAMS,
        document_id(VIEWER)[7:]: VIEWER,
    }


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("wrong.json", json.dumps({document_id(VIEWER): TEAMS}), "not the SHA-256"),
        ("broken.graphql", "query { viewer {", "Syntax Error"),
        ("invalid.graphql", "{ nobody }", "Cannot query field 'nobody'"),
        ("list.json", "[]", "JSON object"),
    ],
)
def test_push_refuses_a_document_that_does_not_match_or_validate(
    tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(DocumentError, match=problem):
        read_documents([path])
