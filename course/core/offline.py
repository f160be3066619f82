"""Offline, enforced: any attempt to reach the network becomes an immediate, named error.

The course promises to run offline. Two layers keep that promise in the test run:

1. A guard in every Python process (`install_network_guard`; pytest installs it, and importing
   `course` with COURSE_OFFLINE=1 does, so every notebook kernel has it). It is an audit hook
   (`sys.addaudithook`): the interpreter reports every socket operation to it from C, so it sees
   `socket`, the raw `_socket` module and every library on top of them alike (connections, UDP
   `sendto`/`sendmsg`, name lookups such as `getaddrinfo` and `gethostbyname*`), and looking up
   libc's socket functions through ctypes. Loopback stays open: Jupyter kernels talk to their
   clients over 127.0.0.1. Child processes inherit it: the guard puts COURSE_OFFLINE=1 and a
   folder holding a `sitecustomize` (which installs the guard at start-up) into the environment,
   also into an explicit `env=` given to `subprocess`.
2. A network namespace with loopback only, around the whole test run (`python -m
   course.core.run_offline COMMAND …`, which `make test` uses): the kernel itself has no route out,
   so neither do programs that no Python guard reaches (`curl`, a `python -I` child). It needs
   `unshare` (util-linux) and unprivileged user namespaces or root; where it cannot be had,
   the command says why and runs with the guard alone.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import MutableMapping
from pathlib import Path

# Holds the sitecustomize.py that installs the guard in every child Python (on its PYTHONPATH).
CHILD_SITE = Path(__file__).resolve().with_name("offline_site")
_LOCAL_NAMES = {"localhost", "ip6-localhost", "ip6-loopback", ""}
# libc functions that reach the network, refused when looked up through ctypes
_LIBC_NETWORK = {"connect", "sendto", "sendmsg", "sendmmsg", "getaddrinfo", "gethostbyname", "gethostbyname2"}
_LIBC_NETWORK |= {"gethostbyname_r", "gethostbyname2_r", "gethostbyaddr", "gethostbyaddr_r", "getnameinfo"}
_LIBC_NETWORK |= {"res_query", "res_search", "res_send", "res_nquery", "res_nsearch", "res_nsend"}


class NetworkAccessError(RuntimeError):
    pass


def _is_local_host(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS: not local


def _is_local_address(family, address) -> bool:
    """Whether a socket address of `family` stays on this machine."""
    if family == getattr(socket, "AF_UNIX", None) or family == getattr(socket, "AF_NETLINK", None):
        return True
    if family == getattr(socket, "AF_PACKET", None):  # (interface, protocol, …): only the loopback device
        return isinstance(address, tuple) and address[:1] == ("lo",)
    if isinstance(address, (str, bytes)):
        return family in (socket.AF_INET, socket.AF_INET6) and _is_local_host(address)
    return isinstance(address, tuple) and len(address) >= 1 and _is_local_host(address[0])


def _refuse(what) -> None:
    raise NetworkAccessError(
        f"network access to {what!r} attempted while the course runs offline "
        "(COURSE_OFFLINE=1). The course must not download anything at run time: ship the file "
        "in data/ or generate it."
    )


def _child_environment(env: MutableMapping) -> None:
    """Make a child process's environment install the guard too."""
    env["COURSE_OFFLINE"] = "1"
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(CHILD_SITE) not in paths:
        env["PYTHONPATH"] = os.pathsep.join([str(CHILD_SITE), *paths])


def _audit(event: str, args: tuple) -> None:
    if event.startswith("socket."):
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            sock, address = args
            if address is not None and not _is_local_address(sock.family, address):
                _refuse(address)
        elif event == "socket.bind":  # a packet socket bound to an interface sends with plain send()
            sock, address = args
            if sock.family == getattr(socket, "AF_PACKET", None) and not _is_local_address(sock.family, address):
                _refuse(address)
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            if args[0] is not None and not _is_local_host(args[0]):
                _refuse(args[0])
        elif event == "socket.getnameinfo":
            if not _is_local_address(socket.AF_INET, args[0]):
                _refuse(args[0])
    elif event in ("ctypes.dlsym", "ctypes.dlsym/handle") and isinstance(args[1], str) and args[1] in _LIBC_NETWORK:
        _refuse(f"libc {args[1]}() through ctypes")
    elif event == "subprocess.Popen" and isinstance(args[3], MutableMapping):
        _child_environment(args[3])  # an explicit env= would otherwise drop the guard


def install_network_guard() -> None:
    """Refuse every non-loopback network access from this process and from the Python processes it
    starts. Safe to call twice (an audit hook cannot be removed: it stays for the process)."""
    if getattr(socket, "_course_network_guard", False):
        return
    sys.addaudithook(_audit)
    socket._course_network_guard = True  # type: ignore[attr-defined]
    _child_environment(os.environ)


# ------------------------------------------------------------------ a network namespace for a whole run


def loopback_only() -> bool:
    """Whether this process's network namespace has no device but loopback (e.g. inside `unshare -n`)."""
    try:
        return {name for _, name in socket.if_nameindex()} <= {"lo"}
    except OSError:
        return False


def _bring_up_loopback() -> None:
    """`ip link set lo up`, without needing iproute2: a new namespace starts with lo down."""
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh22x", b"lo", 0)
        flags = struct.unpack("16sh22x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sh22x", b"lo", flags | iff_up))


def namespace_command() -> tuple[list[str] | None, str]:
    """(the `unshare` prefix that gives a loopback-only network namespace, or None; why not)."""
    unshare = shutil.which("unshare")
    if not sys.platform.startswith("linux"):
        return None, f"network namespaces are a Linux feature (this is {sys.platform})"
    if unshare is None:
        return None, "`unshare` (util-linux) is not installed"
    reasons = []
    for flags in (["-rn"], ["-n"]):  # a user namespace where unprivileged ones are allowed, else as root
        try:
            done = subprocess.run([unshare, *flags, "true"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as err:
            reasons.append(f"unshare {flags[0]}: {err}")
            continue
        if done.returncode == 0:
            return [unshare, *flags], ""
        reasons.append(f"unshare {flags[0]}: {done.stderr.strip() or f'exit {done.returncode}'}")
    return None, "; ".join(reasons)


def run_offline(argv: list[str] | None = None) -> int:
    """`python -m course.core.run_offline COMMAND …`: run COMMAND offline, in a loopback-only network
    namespace where the system allows one (else saying why), with the guard in its Python processes."""
    argv = list(sys.argv[1:] if argv is None else argv)
    inside = bool(argv) and argv[0] == "--inside"
    argv = argv[1:] if inside else argv
    if not argv:
        print("usage: python -m course.core.run_offline COMMAND [ARG …]", file=sys.stderr)
        return 2
    env = dict(os.environ)
    _child_environment(env)
    if inside:
        _bring_up_loopback()
    elif loopback_only():
        print("offline: already in a network namespace with loopback only", file=sys.stderr)
    else:
        prefix, why = namespace_command()
        if prefix is not None:
            print("offline: running in a network namespace with loopback only (unshare)", file=sys.stderr)
            command = [*prefix, sys.executable, "-m", "course.core.run_offline", "--inside", *argv]
            return subprocess.run(command, env=env).returncode
        print(f"offline: no network namespace ({why}); the offline guard alone is in force", file=sys.stderr)
    try:
        os.execvpe(argv[0], argv, env)
    except OSError as err:
        print(f"offline: cannot run {argv[0]}: {err.strerror}", file=sys.stderr)
        return 127
