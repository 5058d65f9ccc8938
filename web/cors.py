"""CORS for browser apps on the origins of PEOPLEGRAPH_CORS_ORIGINS (none when unset).

A preflight the policy refuses (another origin, method or header) is still answered normally,
204 without `Access-Control-Allow-Origin`: the browser then blocks the call, which is the
refusal; the server has nothing to report as an error, and never a 405.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp


class CORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: Collection[str]) -> None:
        super().__init__(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["WWW-Authenticate", "Idempotent-Replayed", "Retry-After"],
            max_age=600,
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            granted = {
                k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")
            }
            return Response(status_code=204, headers=granted)
        return Response(status_code=204, headers={"Vary": self.preflight_headers["Vary"]})
