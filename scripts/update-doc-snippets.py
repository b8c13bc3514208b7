#!/usr/bin/env python3
"""Refreshes every code block of README.md and docs/ that follows a `<!-- snippet: path#name -->` line with the
current text of that marked region (lines between `[docs:name]` and `[/docs:name]`, common indentation removed).
The unit test `every code block in the docs is a marked region of a compiled source` checks the same rule."""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def region(path, name):
    lines = open(os.path.join(root, path), encoding="utf-8").read().split("\n")
    out, inside = [], False
    for line in lines:
        if f"[/docs:{name}]" in line:
            break
        if inside:
            out.append(line)
        if f"[docs:{name}]" in line:
            inside = True
    else:
        sys.exit(f"{path}: no region {name}")
    common = min((len(l) - len(l.lstrip(" ")) for l in out if l.strip()), default=0)
    return [l[common:] if l.strip() else "" for l in out]


def refresh(doc):
    lines = open(doc, encoding="utf-8").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        match = re.match(r"<!-- snippet: ([^#]+)#(\S+) -->", line)
        if match and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            out.append(lines[i + 1])
            j = i + 2
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.extend(region(match.group(1), match.group(2)))
            out.append(lines[j])
            i = j + 1
            continue
        i += 1
    open(doc, "w", encoding="utf-8").write("\n".join(out))


docs = [os.path.join(root, "README.md")]
for base, _, files in os.walk(os.path.join(root, "docs")):
    docs += [os.path.join(base, f) for f in files if f.endswith(".md")]
for doc in docs:
    refresh(doc)
