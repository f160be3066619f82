"""The offline guard: the test run, and every notebook kernel it starts, cannot reach the network."""

import os
import socket
import subprocess
import sys

import pytest

from course.core.offline import NetworkAccessError
from course.core.paths import REPO_ROOT


def test_outside_connections_are_refused_in_the_test_run():
    with pytest.raises(NetworkAccessError, match="203.0.113.7"):
        socket.create_connection(("203.0.113.7", 80), timeout=1)
    with pytest.raises(NetworkAccessError, match="example.org"):
        socket.getaddrinfo("example.org", 443)


def test_loopback_stays_open():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)
    client.close()
    server.close()


def test_importing_course_with_course_offline_guards_a_fresh_process():
    code = "import course, socket; socket.create_connection(('198.51.100.3', 443), timeout=1)"
    env = {**os.environ, "COURSE_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "NetworkAccessError" in result.stderr and "offline" in result.stderr


TEST_NET = ("203.0.113.7", 53)  # documentation addresses (RFC 5737): never anyone's host


def _udp_sendmsg():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendmsg([b"x"], [], 0, TEST_NET)


def _raw_socket_connect():
    import _socket

    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.connect(TEST_NET)
    finally:
        sock.close()


def _ctypes_connect():
    import ctypes

    return ctypes.CDLL(None).connect


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: socket.gethostbyname("example.org"),
        lambda: socket.gethostbyname_ex("example.org"),
        lambda: socket.gethostbyaddr("203.0.113.7"),
        lambda: socket.getnameinfo(TEST_NET, 0),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", TEST_NET),
        _udp_sendmsg,
        _raw_socket_connect,
        _ctypes_connect,
    ],
    ids=[
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
        "getnameinfo",
        "udp_sendto",
        "udp_sendmsg",
        "_socket",
        "ctypes",
    ],
)
def test_every_way_out_through_python_is_refused(attempt):
    with pytest.raises(NetworkAccessError):
        attempt()


CHILD = "import socket\ntry:\n    socket.create_connection(('203.0.113.7', 80), timeout=1)\nexcept Exception as e:\n    print(type(e).__name__)"


@pytest.mark.parametrize("env", [None, {"PATH": os.environ.get("PATH", "/usr/bin")}], ids=["inherited", "explicit_env"])
def test_a_child_python_that_never_imports_the_course_is_guarded_too(env):
    # the test run is guarded (conftest); its children get the guard through their environment
    result = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "NetworkAccessError", result.stdout + result.stderr


def test_run_offline_uses_a_loopback_only_namespace_or_says_why_not():
    from course.core.offline import namespace_command

    code = (
        "import socket, subprocess, sys\n"
        "from course.core.offline import loopback_only\n"
        "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen(1)\n"
        "socket.create_connection(server.getsockname(), timeout=1).close()\n"  # loopback works inside
        "child = subprocess.run([sys.executable, '-I', '-c', " + repr(CHILD) + "], capture_output=True, text=True)\n"
        "print(loopback_only(), child.stdout.strip())\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "course.core.run_offline", sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    prefix, why = namespace_command()
    if prefix is None:
        assert f"no network namespace ({why})" in result.stderr
        pytest.skip(f"no network namespace here: {why}")
    # a child that skips every Python start-up hook (-I) still cannot get out: the namespace has no route
    assert "loopback only" in result.stderr and result.stdout.split() == ["True", "OSError"], result.stdout
