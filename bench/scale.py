"""The same pages at several sizes: generate (or reuse) each database, measure it, and print one table with
every number against the goals of issue 8; the table also goes to bench/data/results.md, the numbers to
bench/data/results.json (--results names other files).

    .venv/bin/python -m bench.scale small large          # make bench
    .venv/bin/python -m bench.scale small large huge     # make bench-huge
    bench/postgres .venv/bin/python -m bench.scale --results results-postgres small-pg huge-pg   # make bench-postgres
"""

import argparse
import json
import os
import platform
import sys
from datetime import date

from . import generate, load
from .load import NOISY

# The goals, from issue 8.
MOST_QUERIES = 6
MOST_FRAGMENT_BYTES = 10_000
MOST_FIRST_LOAD_BYTES = 100_000
MOST_SCALE_RATIO = 1.5


def mark(ok):
    return "✓" if ok else "✗"


def kb(count):
    return "%.1f KB" % (count / 1000)


def row_line(cells):
    return "| %s |" % " | ".join(cells)


def scale_ratio(results, row, name):
    """p50 latency of this page at size `name` over its p50 at the first size measured, and whether either
    run shared the cores with other processes."""
    by_name = {r["name"]: r for r in results}
    key = (row["page"], row["who"])
    first = next(r for r in results[0]["rows"] if (r["page"], r["who"]) == key)
    other = next(r for r in by_name[name]["rows"] if (r["page"], r["who"]) == key)
    return other["p50"] / first["p50"], max(first["others_cpu"], other["others_cpu"]) >= NOISY


def table(results):
    """Markdown lines: the pages on the main size (large if measured), with the scale ratios, then the rest of
    the goals; and the list of goals missed."""
    names = [r["name"] for r in results]
    main = next((r for r in results if r["name"] == "large"), results[-1])
    others = [n for n in names if n != names[0]]
    missed = []
    lines = [
        "Pages on **%s** (%s threads, %s posts), %d gunicorn sync workers, %d clients, %s s or %s requests per "
        "page. Latency ratios are p50 at each size over p50 at %s."
        % (
            main["name"],
            "{:,}".format(main["meta"]["counts"]["thread"]),
            "{:,}".format(main["meta"]["counts"]["post"]),
            main["workers"],
            main["clients"],
            main["duration"],
            main["cap"],
            names[0],
        ),
        "",
        row_line(
            ["page", "as", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "share of /healthz (goal)"]
            + ["queries (≤ %d)" % MOST_QUERIES, "HTML, full page", "htmx fragment (< 10 KB)"]
            + ["%s/%s p50 (≤ 1.5)" % (name, names[0]) for name in others]
        ),
        row_line(["---", "---"] + ["--:"] * (9 + len(others))),
    ]
    for row in main["rows"]:
        label = "%s (%s)" % (row["page"], row["who"])
        noisy = " ⚠" if row["others_cpu"] >= NOISY else ""
        share = "%.1f %%" % (100 * row["share"])
        if row["goal"]:
            ok = row["share"] >= row["goal"]
            share += " %s (≥ %d %%)" % (mark(ok), round(100 * row["goal"]))
            if not ok:
                missed.append("%s: %.1f %% of /healthz, goal %d %%" % (label, 100 * row["share"], 100 * row["goal"]))
        counts = {
            r["name"]: next(x["queries"] for x in r["rows"] if (x["page"], x["who"]) == (row["page"], row["who"]))
            for r in results
        }
        same = len(set(counts.values())) == 1
        queries_ok = row["queries"] <= MOST_QUERIES and same
        queries = "%d %s" % (row["queries"], mark(queries_ok))
        if not same:
            queries += " (%s)" % ", ".join("%s %d" % item for item in counts.items())
        if not queries_ok:
            missed.append("%s: %s queries" % (label, queries))
        fragment = "–"
        if row["fragment_bytes"] is not None:
            ok = row["fragment_bytes"] < MOST_FRAGMENT_BYTES
            fragment = "%s %s (gzip %s)" % (kb(row["fragment_bytes"]), mark(ok), kb(row["fragment_gzip"]))
            if not ok:
                missed.append("%s: htmx fragment %s" % (label, kb(row["fragment_bytes"])))
        ratios = []
        for name in others:
            ratio, shared = scale_ratio(results, row, name)
            ok = ratio <= MOST_SCALE_RATIO
            ratios.append("%.2fx %s%s" % (ratio, mark(ok), " ⚠" if shared else ""))
            if not ok:
                missed.append("%s: p50 at %s is %.2fx the p50 at %s" % (label, name, ratio, names[0]))
        numbers = ["%d" % row["requests"], "%.0f%s" % (row["rps"], noisy)]
        numbers += ["%.1f" % row[p] for p in ("p50", "p95", "p99")]
        html = "%s (gzip %s)" % (kb(row["html_bytes"]), kb(row["html_gzip"]))
        lines.append(row_line([row["page"], row["who"], *numbers, share, queries, html, fragment, *ratios]))
    lines += [""] + after_a_change(results) + [""]
    for result in results:
        healthz = result["healthz"]
        ok = healthz["queries"] == 0
        lines.append(
            "- /healthz on %s: %.0f req/s (%.0f at the start, %.0f at the end), %d database queries %s (goal 0); "
            "the load client itself used %.2f cores meanwhile."
            % (
                result["name"],
                healthz["rps"],
                healthz["start"]["rps"],
                healthz["end"]["rps"],
                healthz["queries"],
                mark(ok),
                healthz["start"]["client_cpu"],
            )
        )
        if not ok:
            missed.append("/healthz on %s: %d queries" % (result["name"], healthz["queries"]))
    runs = [
        run for result in results for run in [*result["rows"], result["healthz"]["start"], result["healthz"]["end"]]
    ]
    busiest = max(run["others_cpu"] for run in runs)
    lines.append(
        "- Other processes on the machine used at most %.2f cores during a run (%d of %d runs at %.1f or more, "
        "marked ⚠: their numbers are not to be trusted, even after up to 3 tries); %.0f s were spent waiting for "
        "quiet first."
        % (busiest, sum(r["others_cpu"] >= NOISY for r in runs), len(runs), NOISY, sum(r["waited"] for r in runs))
    )
    weight = main["first_load"]
    total = sum(weight.values())
    ok = total < MOST_FIRST_LOAD_BYTES
    lines.append(
        "- First load of the home page, gzip: %s %s (goal < 100 KB): %s."
        % (kb(total), mark(ok), ", ".join("%s %s" % (name, kb(size)) for name, size in weight.items()))
    )
    if not ok:
        missed.append("first load %s" % kb(total))
    writes = [
        "%s (%s) on %s: %s" % (row["page"], row["who"], result["name"], "; ".join(sorted(set(row["writes"]))))
        for result in results
        for row in result["rows"]
        if row["lists"] and row["writes"]
    ]
    lines.append(
        "- Database writes on list-page GETs (home, board, threads list): %s" % ("; ".join(writes) or "none ✓")
    )
    missed += ["writes on a list GET: %s" % w for w in writes]
    other_writes = sorted(
        {
            "%s: %s" % (row["page"], "; ".join(sorted({w.split(" (")[0] for w in row["writes"]})))
            for row in main["rows"]
            if row["writes"] and not row["lists"]
        }
    )
    lines.append("- Other GETs that write (not a goal, for the record): %s" % ("; ".join(other_writes) or "none"))
    errors = sum(row["errors"] for result in results for row in result["rows"])
    if errors:
        lines.append("- %d responses under load were not 200." % errors)
        missed.append("%d error responses under load" % errors)
    lines += ["", "Goals missed: %d." % len(missed)] + ["- %s" % m for m in missed]
    return lines


def after_a_change(results):
    """Markdown lines: one view of each page after a change, at each size (the load runs only read, so the
    answers that each process keeps between changes are kept through them)."""
    names = [r["name"] for r in results]
    lines = [
        "One view of each page just after a change to a request, when nothing is kept (in process, one view at a "
        "time, median of 7); not a goal of its own, for the record:",
        "",
        row_line(["page", "as"] + ["%s ms" % name for name in names] + ["%s/%s" % (n, names[0]) for n in names[1:]]),
        row_line(["---", "---"] + ["--:"] * (2 * len(names) - 1)),
    ]
    for row in results[0]["rows"]:
        key = (row["page"], row["who"])
        took = [next(x["after_a_change"] for x in r["rows"] if (x["page"], x["who"]) == key) for r in results]
        cells = ["%.1f" % ms for ms in took] + ["%.2fx" % (ms / took[0]) for ms in took[1:]]
        lines.append(row_line([row["page"], row["who"], *cells]))
    return lines


def print_table(results):
    text = "\n".join(table(results))
    print(text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="+", help="sizes (small, large, huge) or generated names, smallest first")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--results", default="results", help="bench/data/RESULTS.md and .json (default: results)")
    args = parser.parse_args(argv)
    results = []
    for name in args.names:
        print("Measuring %s..." % name, file=sys.stderr)
        results.append(load.measure(name, clients=args.clients, duration=args.duration, cap=args.max_requests))
    header = "%s, %d cores (%s), Python %s" % (
        date.today().isoformat(),
        os.cpu_count(),
        platform.machine(),
        platform.python_version(),
    )
    text = header + "\n\n" + print_table(results)
    generate.DATA.mkdir(exist_ok=True)
    (generate.DATA / ("%s.md" % args.results)).write_text(text + "\n")
    (generate.DATA / ("%s.json" % args.results)).write_text(json.dumps(results, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
