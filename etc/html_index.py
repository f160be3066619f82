"""Write index.html for the executed lessons that `make html` rendered.

Usage: python etc/html_index.py OUTDIR notebooks/01_embeddings.py [...]
Each lesson is listed in the order given, with its question, its objectives and the learner time
its notebook states (read by course.syllabus, as `python -m course bench course` reads them), and
links to OUTDIR/<name>.html. The page, like the lessons', loads nothing from beyond the site.
"""

import html
import sys
from pathlib import Path

from course.syllabus import outline


def lesson_item(source: Path) -> str:
    lesson = outline(source)
    title = html.escape(lesson.title or source.stem)
    parts = [f'    <h2><a href="{html.escape(source.stem)}.html">{title}</a></h2>']
    if lesson.question:
        parts.append(f"    <p class=question>{html.escape(lesson.question)}</p>")
    if lesson.learner_minutes:
        parts.append(
            f"    <p class=time>Learner time: about {lesson.learner_minutes} minutes (reading + exercises)</p>"
        )
    if lesson.objectives:
        items = "\n".join(f"      <li>{html.escape(o)}</li>" for o in lesson.objectives)
        parts.append(f"    <p>You will learn to</p>\n    <ul>\n{items}\n    </ul>")
    return "  <li>\n" + "\n".join(parts) + "\n  </li>"


def main(outdir: str, *sources: str) -> None:
    out = Path(outdir)
    items = "\n".join(lesson_item(Path(s)) for s in sources if (out / f"{Path(s).stem}.html").exists())
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Thinking in Latent Space</title>
  <style>
    body {{ font-family: sans-serif; max-width: 46em; margin: 3em auto; line-height: 1.5; padding: 0 1em; }}
    ol {{ padding-left: 1.2em; }} h2 {{ font-size: 1.2em; margin-bottom: 0.2em; }}
    .question {{ font-style: italic; margin: 0.2em 0; }} .time {{ color: #555; margin: 0.2em 0; }}
  </style>
</head>
<body>
  <h1>Thinking in Latent Space</h1>
  <p>Every lesson as it ran, top to bottom, read-only; take them in this order. The widgets show the
  state they were left in; to move them, open the lesson in JupyterLab (<code>make lab</code>).</p>
  <ol>
{items}
  </ol>
</body>
</html>
"""
    target = out / "index.html"
    tmp = target.with_name("index.html.tmp")
    tmp.write_text(page)
    tmp.replace(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main(*sys.argv[1:])
