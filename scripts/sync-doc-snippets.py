#!/usr/bin/env python3
"""Refreshes the code blocks of the guide pages in docs/ from the files they are checked against.

A block preceded by `<!-- file: <path> -->` gets the whole file; one preceded by
`<!-- snippet: <Class>#<region> -->` gets the lines between `// region <region>` and `// endregion` of
docs-tests/src/test/java/dev/chromaj/docs/<Class>.java, dedented. GuidePagesTest fails when a page and its
source differ; run this script (from the repository root) after changing a source, then review the diff.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!-- (file|snippet): (\S+) -->$")


def region(cls, name):
    lines = (ROOT / "docs-tests/src/test/java/dev/chromaj/docs" / (cls + ".java")).read_text("utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip() == "// region " + name) + 1
    body = []
    for l in lines[start:]:
        if l.strip() == "// endregion":
            break
        body.append(l)
    indent = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
    return "".join(("" if not l.strip() else l[indent:]) + "\n" for l in body)


def source(kind, target):
    if kind == "file":
        return (ROOT / target).read_text("utf-8")
    cls, name = target.split("#")
    return region(cls, name)


def sync(page):
    lines = page.read_text("utf-8").splitlines(keepends=True)
    out = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        m = MARKER.match(lines[i].rstrip("\n"))
        if m and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            out.append(lines[i + 1])
            j = i + 2
            while lines[j].rstrip("\n") != "```":
                j += 1
            out.append(source(m.group(1), m.group(2)))
            out.append(lines[j])
            i = j + 1
            continue
        i += 1
    text = "".join(out)
    if text != page.read_text("utf-8"):
        page.write_text(text, "utf-8")
        print("updated", page.relative_to(ROOT))


for page in sorted((ROOT / "docs").glob("*.md")):
    sync(page)
sys.exit(0)
