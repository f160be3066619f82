"""Write index.html for the executed lessons that `make html` rendered.

Usage: python etc/html_index.py OUTDIR notebooks/01_embeddings.py [...]
Each lesson is listed by the first heading of its notebook and links to OUTDIR/<name>.html.
"""

import html
import sys
from pathlib import Path

import jupytext


def title(source: Path) -> str:
    for cell in jupytext.read(source).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return source.stem


def main(outdir: str, *sources: str) -> None:
    out = Path(outdir)
    items = "\n".join(
        f'    <li><a href="{html.escape(Path(s).stem)}.html">{html.escape(title(Path(s)))}</a></li>'
        for s in sources
        if (out / f"{Path(s).stem}.html").exists()
    )
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Thinking in Latent Space</title>
  <style>body {{ font-family: sans-serif; max-width: 44em; margin: 3em auto; line-height: 1.5; }}</style>
</head>
<body>
  <h1>Thinking in Latent Space</h1>
  <p>Every lesson as it ran, top to bottom, read-only. The widgets show the state they were left in;
  to move them, open the lesson in JupyterLab (<code>make lab</code>).</p>
  <ul>
{items}
  </ul>
</body>
</html>
""")
    print(f"wrote {out / 'index.html'}")


if __name__ == "__main__":
    main(*sys.argv[1:])
