#!/usr/bin/env python3
"""Turns the benchmark driver's JSON lines into SVG line charts and Markdown tables (no third-party packages).

usage: plot-bench.py RESULTS.jsonl OUT_DIR
A configuration (workload, store, n, concurrency) run several times counts as the run with the median ops_per_s.
Writes OUT_DIR/transfers.svg (transfers completed per second against concurrency, one line per bank transfer design),
OUT_DIR/append.svg (conditional appends/s against the number of events appended, one line per concurrency), and
tables.md beside RESULTS.jsonl (a table per workload, for docs/performance.md).
"""
import json
from collections import Counter
import math
import sys
from pathlib import Path

WIDTH, HEIGHT = 720, 400
LEFT, RIGHT, TOP, BOTTOM = 80, 230, 40, 60
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


def medians(runs):
    """One row per configuration: the run with the median ops_per_s, with the number of runs as "runs"."""
    groups = {}
    for r in runs:
        groups.setdefault((r["workload"], r["store"], r["n"], r["concurrency"]), []).append(r)
    rows = []
    for group in groups.values():
        ordered = sorted(group, key=lambda r: r["ops_per_s"])
        row = dict(ordered[(len(ordered) - 1) // 2])
        row["runs"] = len(group)
        row["violations"] = max(r["violations"] for r in group)  # a broken invariant in any run shows
        rows.append(row)
    return rows


def number(column, value):
    if column == "ops_per_s":
        return label(float(value))
    if isinstance(value, float):
        return f"{value:.3g}"
    return f"{value:,}"


def tables(rows):
    """A Markdown table per workload, in the order the workloads first appear."""
    base = ["n", "concurrency", "ops_per_s", "seconds", "succeeded", "failed", "violations"]
    out = []
    for workload, store in dict.fromkeys((r["workload"], r["store"]) for r in rows):
        mine = [r for r in rows if r["workload"] == workload and r["store"] == store]
        extra = [k for k in mine[0] if k not in base + ["workload", "store", "runs"]]
        columns = base + extra + ["runs"]
        out.append(f"**{workload}** (store: {mine[0]['store']})\n")
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "---|" * len(columns))
        for r in mine:
            out.append("| " + " | ".join(number(c, r[c]) if c in r else "" for c in columns) + " |")
        out.append("")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    runs = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines() if line.strip()]
    rows = medians(runs)
    out_dir = Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    transfers = {}
    appends = {}
    durable = {}
    # Each design's curve is drawn from its runs at one size: the size it ran at most often (the matrix), so the
    # scenario's loads (50 and 800 transfers) stay out of it.
    sizes = {}
    for r in rows:
        if r["workload"].startswith("transfer-"):
            sizes.setdefault(r["workload"], Counter())[r["n"]] += 1
    for r in rows:
        if r["workload"].startswith("transfer-") and r["n"] == sizes[r["workload"]].most_common(1)[0][0]:
            name = f'{r["workload"][len("transfer-"):]} ({r["n"]} transfers)'
            # Transfers that went through per second: a design that fails fast must not look fast.
            transfers.setdefault(name, []).append((r["concurrency"], r["succeeded"] / r["seconds"]))
        elif r["workload"] in ("append", "conditional-append", "raw-insert") and r["store"] != "memory":
            kind = {"append": "read, then append", "conditional-append": "conditional append",
                    "raw-insert": "raw insert"}[r["workload"]]
            durable.setdefault(f'{r["store"]}: {kind}', []).append((r["concurrency"], r["ops_per_s"]))
        elif r["workload"] == "append":
            appends.setdefault(f'concurrency {r["concurrency"]}', []).append((r["n"], r["ops_per_s"]))
    made = []
    if chart("Bank transfers: transfers completed/s against concurrency (2 accounts)", "concurrency", "transfers completed/s",
             transfers,
             out_dir / "transfers.svg"):
        made.append("transfers.svg")
    if chart("Conditional appends/s against store size", "events appended (store size at the end)", "appends/s",
             appends, out_dir / "append.svg"):
        made.append("append.svg")
    if chart("PostgreSQL: conditional appends/s against raw insert transactions/s", "concurrent writers",
             "per second", {k[len("postgres: "):]: v for k, v in durable.items() if k.startswith("postgres: ")},
             out_dir / "durable.svg"):
        made.append("durable.svg")
    table_path = Path(sys.argv[1]).with_name("tables.md")  # beside the results: copied into the docs by hand
    table_path.write_text(tables(rows))
    print("wrote " + ", ".join([str(out_dir / m) for m in made] + [str(table_path)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
