# The HTTP server behind the python3-http and python3-flask templates: it
# listens on 127.0.0.1:5000, where the watchdog in front of it (http mode)
# sends every request, and turns what a handler returns into an answer as
# Flask would. It is Python's own server, so that a template needs nothing
# from a package index.
import json
import os
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"
PLAIN = "text/plain; charset=utf-8"


class MultiDict(dict):
    """Query arguments as Flask gives them: the first value of a key by
    item or get(), all of them by getlist()."""

    def __init__(self, pairs):
        super().__init__()
        self._lists = {}
        for key, value in pairs:
            self._lists.setdefault(key, []).append(value)
            if key not in self:
                dict.__setitem__(self, key, value)

    def get(self, key, default=None, type=None):
        if key not in self:
            return default
        if type is None:
            return self[key]
        try:
            return type(self[key])
        except (ValueError, TypeError):
            return default

    def getlist(self, key, type=None):
        values = self._lists.get(key, [])
        if type is None:
            return list(values)
        out = []
        for value in values:
            try:
                out.append(type(value))
            except (ValueError, TypeError):
                pass
        return out

    def to_dict(self, flat=True):
        if flat:
            return dict(self)
        return {k: list(v) for k, v in self._lists.items()}


class Response:
    def __init__(self, status=200, headers=None, body=b"", content_type=HTML):
        self.status = status
        self.headers = headers or []
        self.body = body
        self.content_type = content_type


def json_response(value, status=200, headers=None):
    # As Flask's jsonify: keys sorted, compact, a final newline.
    body = (json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    return Response(status, headers, body, "application/json")


def header_list(headers):
    if isinstance(headers, dict):
        return list(headers.items())
    return list(headers or [])


def flask_response(rv):
    """What Flask makes of a view's return value: text as HTML, bytes as
    they are, a dict or list as JSON, a tuple of (body, status, headers)
    or (body, status) or (body, headers)."""
    if isinstance(rv, tuple):
        body, status, headers = rv[0], None, []
        for extra in rv[1:]:
            if isinstance(extra, int):
                status = extra
            else:
                headers = header_list(extra)
        resp = flask_response(body)
        if status is not None:
            resp.status = status
        resp.headers = resp.headers + headers
        return resp
    if isinstance(rv, Response):
        return rv
    if isinstance(rv, (dict, list)):
        return json_response(rv)
    if isinstance(rv, bytes):
        return Response(body=rv)
    if isinstance(rv, str):
        return Response(body=rv.encode("utf-8"))
    raise TypeError(
        "The view function did not return a valid response: it returned %s"
        % type(rv).__name__
    )


def serve(handle, methods):
    """Serves handle(request, body) -> Response for the given methods;
    other methods get 405, an exception 500 with its traceback in the
    function's log. The port is 5000, the watchdog's upstream_url, unless
    http_port says otherwise."""
    port = int(os.getenv("http_port", "5000"))

    # Flask serves HEAD wherever it serves GET.
    allowed = tuple(methods) + (("HEAD",) if "GET" in methods else ())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass  # the watchdog logs requests

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def answer(self, resp):
            self.send_response(int(resp.status))
            names = {str(k).lower() for k, _ in resp.headers}
            if "content-type" not in names:
                self.send_header("Content-Type", resp.content_type)
            for key, value in resp.headers:
                if str(key).lower() != "content-length":
                    self.send_header(str(key), str(value))
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body)

        def serve(self):
            body = self.read_body()
            if self.command == "OPTIONS":
                # As Flask answers OPTIONS for every route by itself.
                allow = ", ".join(sorted(set(allowed) | {"OPTIONS"}))
                self.answer(Response(200, [("Allow", allow)], b""))
                return
            if self.command not in allowed:
                self.answer(Response(405, body=b"Method Not Allowed\n", content_type=PLAIN))
                return
            try:
                resp = handle(self, body)
            except Exception:
                traceback.print_exc(file=sys.stderr)
                sys.stderr.flush()
                resp = Response(500, body=b"Internal Server Error\n", content_type=PLAIN)
            self.answer(resp)

        def __getattr__(self, name):
            # Every method reaches serve, which answers 405 for those the
            # template does not route, as Flask does, where Python's
            # server would answer 501.
            if name.startswith("do_"):
                return self.serve
            raise AttributeError(name)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("listening on 127.0.0.1:%d" % port, flush=True)
    server.serve_forever()
