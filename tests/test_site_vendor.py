"""The read-only site's renderers ship with the course: unchanged, small, and the only thing its
template loads (no CDN)."""

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "etc" / "site" / "vendor"
TEMPLATE = ROOT / "etc" / "site" / "templates" / "course" / "index.html.j2"


def test_every_vendored_file_has_its_recorded_sha256():
    listed = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.removeprefix("./")] = digest
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert present - {"README.md", "SHA256SUMS"} == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, f"{name} changed"


def test_the_vendored_files_stay_small():
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    assert total < 4_000_000, f"etc/site/vendor/ holds {total / 1e6:.1f} MB"


def test_the_template_loads_only_vendored_files():
    text = TEMPLATE.read_text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert sources and all(s.startswith("vendor/") for s in sources), sources
    for source in sources:
        assert (VENDOR / source.removeprefix("vendor/")).is_file(), source
    assert "://" not in text
