"""Loaded (via PYTHONPATH) into a subprocess under test: forbid any non-loopback network use.

Any attempt to resolve or connect to a host other than 127.0.0.0/8 or localhost raises and is
written to $PANTAU_NET_LOG, so a test can prove that start-up and the demo stay offline.
"""

import os
import socket

_LOG = os.environ.get("PANTAU_NET_LOG")
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect


def _loopback(host: object) -> bool:
    host = host.decode() if isinstance(host, bytes) else str(host)
    return host in ("localhost", "::1", "") or host.startswith("127.")


def _record(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")


def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if not _loopback(host):
        _record(f"getaddrinfo {host}")
        raise OSError(f"network disabled in tests: lookup of {host}")
    return _real_getaddrinfo(host, *args, **kwargs)


def connect(self, address):  # type: ignore[no-untyped-def]
    if isinstance(address, tuple) and not _loopback(address[0]):
        _record(f"connect {address}")
        raise OSError(f"network disabled in tests: connect to {address}")
    return _real_connect(self, address)


socket.getaddrinfo = getaddrinfo
socket.socket.connect = connect
