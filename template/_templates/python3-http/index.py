# handle(event, context) from function/handler.py, with the contract of
# OpenFaaS's python3-http template, served by ofc_server.
import os
from urllib.parse import parse_qsl, unquote, urlsplit

import ofc_server
from function import handler


class Event:
    def __init__(self, request, body):
        url = urlsplit(request.path)
        self.body = body
        self.headers = request.headers
        self.method = request.command
        self.query = ofc_server.MultiDict(parse_qsl(url.query, keep_blank_values=True))
        self.path = unquote(url.path) or "/"


class Context:
    def __init__(self):
        self.hostname = os.getenv("HOSTNAME", "localhost")


def response(resp):
    """The template's own reading of a dict (statusCode, body, headers);
    anything else as Flask reads it."""
    if resp is None:
        return ofc_server.Response()
    if not isinstance(resp, dict):
        return ofc_server.flask_response(resp)
    status = resp.get("statusCode", 200)
    headers = ofc_server.header_list(resp.get("headers"))
    body = resp.get("body", "")
    if isinstance(body, dict):
        return ofc_server.json_response(body, status, headers)
    data = body if isinstance(body, bytes) else str(body).encode("utf-8")
    return ofc_server.Response(status, headers, data)


def call(request, body):
    return response(handler.handle(Event(request, body), Context()))


if __name__ == "__main__":
    ofc_server.serve(call, ("GET", "PUT", "POST", "PATCH", "DELETE"))
