"""A guard that turns any attempt to reach the network into an immediate, named error.

The course promises to run offline. The test run installs this guard (in pytest and, through the
COURSE_OFFLINE=1 environment variable, in every notebook kernel), so a library that quietly
downloads something fails the tests instead of working only on a connected machine.
Loopback stays open: Jupyter kernels talk to their clients over 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket


class NetworkAccessError(RuntimeError):
    pass


_LOCAL_NAMES = {"localhost", "ip6-localhost", ""}


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)) and not isinstance(address, tuple):
        return True  # AF_UNIX path
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS: not local


def _refuse(address):
    raise NetworkAccessError(
        f"network access to {address!r} attempted while the course runs offline "
        "(COURSE_OFFLINE=1). The course must not download anything at run time: ship the file "
        "in data/ or generate it."
    )


def install_network_guard() -> None:
    """Refuse every non-loopback connection from this process. Safe to call twice."""
    if getattr(socket.socket, "_course_guarded", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if not _is_local(address):
            _refuse(address)
        return original_connect(self, address)

    def connect_ex(self, address):
        if not _is_local(address):
            _refuse(address)
        return original_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_local((host,)):
            _refuse(host)
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    socket.socket._course_guarded = True
