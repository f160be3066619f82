"""The README's Kodak rate–distortion plot, drawn from a `bench codec` result file:

python -m course bench codec --json bench/codec.json
python -m course.compression.codec.kodak_figure bench/codec.json docs/figures/03_codec_kodak.png
"""

import sys

from course.compression.codec.analysis import kodak_rd_figure
from course.core.figures import figure_command


def main(argv: list[str]) -> int:
    return figure_command(argv, "course.compression.codec.kodak_figure", "codec", kodak_rd_figure)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
