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
