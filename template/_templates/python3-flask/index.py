# handle(req) from function/handler.py, with the contract of OpenFaaS's
# python3-flask template (the body as text, or as bytes with
# RAW_BODY=true), served by ofc_server.
import os

import ofc_server
from function import handler


def raw_body():
    val = os.getenv("RAW_BODY", "false")
    return (len(val) > 0 and val.lower() == "true") or val == "1"


def call(request, body):
    req = body if raw_body() else body.decode("utf-8", errors="replace")
    return ofc_server.flask_response(handler.handle(req))


if __name__ == "__main__":
    ofc_server.serve(call, ("GET", "POST"))
