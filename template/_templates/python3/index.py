# handle(req) from function/handler.py, run once per request by the
# classic watchdog: the request body on stdin, what handle returns
# printed as the answer, as OpenFaaS's python3 template does.
import sys

from function import handler

if __name__ == "__main__":
    ret = handler.handle(sys.stdin.read())
    if ret is not None:
        print(ret)
