#!/usr/bin/env python3
"""Writes the control rates of results/control_calibration.tsv (tools/calibrate_controls.sh) into
the control_calibration column of reproductions/<paper>/claims.tsv, one text per claim, then
regenerate CLAIMS.md with reproductions/make_claims_md.sh. Standard library only.

    python3 tools/calibration_to_registry.py [results/control_calibration.tsv] [--note TEXT]

Claims without rows in the results keep their registered text. Rows are `claim, control,
detected/runs, rate, ci95` (controls) or `claim, chance depth: <model>, observed ..., chance ...`
(M2's chance-level depths), in the order the tests printed them. A control that appears in
several rows (a calibration split over processes with NEUROSCORE_CONTROL_FIRST_SEED) gets its
counts added and its Clopper-Pearson interval recomputed, exactly as calibration.hpp computes it.
"""
import argparse
import collections
import math
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REGISTRIES = sorted((ROOT / "reproductions").glob("*/claims.tsv"))


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p**i * (1.0 - p) ** (n - i) for i in range(k + 1))


def clopper_pearson(k: int, n: int) -> tuple:
    """Exact 95% interval: the p where P(X >= k) = 0.025 and where P(X <= k) = 0.025 (bisection),
    which equal calibration.hpp's Beta(0.025; k, n - k + 1) and Beta(0.975; k + 1, n - k)."""

    def solve(f) -> float:  # f increasing in p on [0, 1], root of f(p) = 0
        lo, hi = 0.0, 1.0
        for _ in range(100):
            mid = (lo + hi) / 2.0
            lo, hi = (mid, hi) if f(mid) < 0.0 else (lo, mid)
        return (lo + hi) / 2.0

    low = 0.0 if k == 0 else solve(lambda p: (1.0 - binomial_cdf(k - 1, n, p)) - 0.025)
    high = 1.0 if k == n else solve(lambda p: 0.025 - binomial_cdf(k, n, p))
    return low, high


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", nargs="?", default=str(ROOT / "results" / "control_calibration.tsv"))
    parser.add_argument("--note", default="", help="appended to every updated claim's text (date, machine)")
    args = parser.parse_args()
    rows = collections.OrderedDict()
    counts = collections.OrderedDict()  # (claim, control) -> [detected, runs]
    with open(args.results, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:2] != ["claim", "control"]:
            sys.exit(f"{args.results}: header {header} is not claim, control, ...")
        for n, line in enumerate(f, start=2):
            cells = line.rstrip("\n").split("\t")
            if len(cells) < 4:
                sys.exit(f"{args.results}: line {n} has {len(cells)} cells, needs at least 4")
            claim, control, rest = cells[0], cells[1], cells[2:]
            if control.startswith("chance depth: "):
                rows.setdefault(claim, []).append(f"{control[len('chance depth: '):]} {', '.join(rest)}")
                continue
            detected, runs = (int(x) for x in rest[0].split("/"))
            key = (claim, control)
            if key not in counts:
                counts[key] = [0, 0]
                rows.setdefault(claim, []).append(key)
            counts[key][0] += detected
            counts[key][1] += runs
    for claim, items in rows.items():
        for i, item in enumerate(items):
            if isinstance(item, tuple):
                k, n = counts[item]
                low, high = clopper_pearson(k, n)
                items[i] = f"{item[1]}: {k}/{n} ({k / n:.3f} [{low:.3f}, {high:.3f}])"
    updated = set()
    for registry in REGISTRIES:
        lines = registry.read_text(encoding="utf-8").rstrip("\n").split("\n")
        columns = lines[0].split("\t")
        if "control_calibration" not in columns:
            sys.exit(f"{registry}: no control_calibration column")
        at = columns.index("control_calibration")
        out = [lines[0]]
        for line in lines[1:]:
            cells = line.split("\t")
            if cells[0] in rows:
                text = "; ".join(rows[cells[0]])
                cells[at] = text + (f". {args.note}" if args.note else "")
                updated.add(cells[0])
            out.append("\t".join(cells))
        registry.write_text("\n".join(out) + "\n", encoding="utf-8")
    missing = sorted(set(rows) - updated)
    if missing:
        sys.exit(f"claims in the results but in no registry: {', '.join(missing)}")
    print(f"updated {len(updated)} claims: {', '.join(sorted(updated))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
