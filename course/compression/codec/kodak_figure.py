"""The README's Kodak rate–distortion plot, drawn from a `bench codec` result file:

python -m course bench codec --json bench/codec.json
python -m course.compression.codec.kodak_figure bench/codec.json docs/figures/03_codec_kodak.png
"""

import json
import sys
from pathlib import Path

from course.compression.codec.analysis import kodak_rd_figure


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(
            "usage: python -m course.compression.codec.kodak_figure RESULT.json FIGURE.png  "
            "(RESULT.json from `python -m course bench codec --json RESULT.json`)",
            file=sys.stderr,
        )
        return 2
    source = Path(argv[0])
    if not source.is_file():
        print(f"no bench result at {source}: run `python -m course bench codec --json {source}` first", file=sys.stderr)
        return 2
    kodak_rd_figure(json.loads(source.read_text())).savefig(argv[1], dpi=110)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
