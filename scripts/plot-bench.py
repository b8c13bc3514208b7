#!/usr/bin/env python3
"""Draws the benchmark driver's JSON lines as SVG line charts (no third-party packages).

usage: plot-bench.py RESULTS.jsonl OUT_DIR
Writes OUT_DIR/transfers.svg (transfers/s against concurrency, one line per seed 004 design) and
OUT_DIR/append.svg (conditional appends/s against the number of events appended, one line per concurrency).
"""
import json
import math
import sys
from pathlib import Path

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 80, 170, 40, 60
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def log_ticks(low, high):
    ticks = []
    exponent = math.floor(math.log10(low))
    while 10 ** exponent <= high * 1.0001:
        for step in (1, 2, 5):
            value = step * 10 ** exponent
            if low / 1.0001 <= value <= high * 1.0001:
                ticks.append(value)
        exponent += 1
    return ticks or [low, high]


def label(value):
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if value >= size:
            text = f"{value / size:.3g}{unit}"
            return text
    return f"{value:.3g}"


def chart(title, x_title, y_title, series, path):
    """series: {name: [(x, y), ...]} drawn on log-log axes."""
    points = [p for values in series.values() for p in values if p[0] > 0 and p[1] > 0]
    if not points:
        return False
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x_low, x_high = min(xs), max(xs)
    y_low, y_high = min(ys) / 1.5, max(ys) * 1.5
    if x_low == x_high:
        x_low, x_high = x_low / 2, x_high * 2

    def sx(x):
        return LEFT + (math.log10(x) - math.log10(x_low)) / (math.log10(x_high) - math.log10(x_low)) * (
            WIDTH - LEFT - RIGHT)

    def sy(y):
        return HEIGHT - BOTTOM - (math.log10(y) - math.log10(y_low)) / (math.log10(y_high) - math.log10(y_low)) * (
            HEIGHT - TOP - BOTTOM)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>']
    for x in log_ticks(x_low, x_high):
        out.append(f'<line x1="{sx(x):.1f}" y1="{TOP}" x2="{sx(x):.1f}" y2="{HEIGHT - BOTTOM}" stroke="#ddd"/>')
        out.append(f'<text x="{sx(x):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{label(x)}</text>')
    for y in log_ticks(y_low, y_high):
        out.append(f'<line x1="{LEFT}" y1="{sy(y):.1f}" x2="{WIDTH - RIGHT}" y2="{sy(y):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{label(y)}</text>')
    out.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 18}" text-anchor="middle">{x_title}</text>')
    out.append(f'<text x="18" y="{(TOP + HEIGHT - BOTTOM) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {(TOP + HEIGHT - BOTTOM) / 2})">{y_title}</text>')
    for i, (name, values) in enumerate(sorted(series.items())):
        colour = COLOURS[i % len(COLOURS)]
        values = sorted(p for p in values if p[0] > 0 and p[1] > 0)
        line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in values)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in values:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>')
        legend_y = TOP + 10 + 20 * i
        out.append(f'<line x1="{WIDTH - RIGHT + 15}" y1="{legend_y}" x2="{WIDTH - RIGHT + 35}" y2="{legend_y}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{WIDTH - RIGHT + 40}" y="{legend_y + 4}">{name}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")
    return True


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines() if line.strip()]
    out_dir = Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    transfers = {}
    appends = {}
    for r in rows:
        if r["workload"].startswith("transfer-"):
            transfers.setdefault(r["workload"][len("transfer-"):], []).append((r["concurrency"], r["ops_per_s"]))
        elif r["workload"] == "append":
            appends.setdefault(f'concurrency {r["concurrency"]}', []).append((r["n"], r["ops_per_s"]))
    made = []
    if chart("Seed 004: transfers/s against concurrency (2 accounts)", "concurrency", "transfers/s", transfers,
             out_dir / "transfers.svg"):
        made.append("transfers.svg")
    if chart("Conditional appends/s against store size", "events appended (store size at the end)", "appends/s",
             appends, out_dir / "append.svg"):
        made.append("append.svg")
    print("wrote " + ", ".join(str(out_dir / m) for m in made))
    return 0


if __name__ == "__main__":
    sys.exit(main())
