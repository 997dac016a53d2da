"""gzip for text answers (pages, fragments, calendars, CSV, JSON) when the client accepts it.

One after-request hook for the whole application, registered first so that it runs last
(after every other hook has set its headers). A response is compressed when:

- the request's Accept-Encoding allows gzip (`gzip;q=0` does not);
- it is a text type below, of at least MIN_SIZE octets, a 200-range answer with a body;
- it is not a file sent as such or a stream (`direct_passthrough`, `is_streamed`: uploaded
  evidence, PDFs, archives are passed through untouched), nor already encoded.

Every compressible answer says `Vary: Accept-Encoding`, compressed or not, so that a cache
never serves the gzip copy to a client that did not ask for it. A strong ETag becomes weak
once the body is compressed (the octets differ; the meaning does not).
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = frozenset(
    {
        "text/html", "text/plain", "text/css", "text/csv", "text/calendar", "text/javascript",
        "application/javascript", "application/json", "image/svg+xml",
    }
)  # fmt: skip
MIN_SIZE = 1024
LEVEL = 6


def _vary_on_encoding(response: Response) -> None:
    if "accept-encoding" not in {value.lower() for value in response.vary}:
        response.vary.add("Accept-Encoding")


def compress(response: Response) -> Response:
    if (
        response.mimetype not in COMPRESSIBLE
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or "Content-Range" in response.headers
        or not 200 <= response.status_code < 300
        or response.status_code in (204, 206)
    ):
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    _vary_on_encoding(response)
    if request.accept_encodings.quality("gzip") <= 0 or request.method == "HEAD":
        return response
    response.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
