#!/usr/bin/env python3
"""Writes the control rates of results/control_calibration.tsv (tools/calibrate_controls.sh) into
the control_calibration column of reproductions/<paper>/claims.tsv, one text per claim, then
regenerate CLAIMS.md with reproductions/make_claims_md.sh. Standard library only.

    python3 tools/calibration_to_registry.py [results/control_calibration.tsv] [--note TEXT]

Claims without rows in the results keep their registered text. Rows are `claim, control,
detected/runs, rate, ci95` (controls) or `claim, chance depth: <model>, observed ..., chance ...`
(M2's chance-level depths), in the order the tests printed them.
"""
import argparse
import collections
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REGISTRIES = sorted((ROOT / "reproductions").glob("*/claims.tsv"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", nargs="?", default=str(ROOT / "results" / "control_calibration.tsv"))
    parser.add_argument("--note", default="", help="appended to every updated claim's text (date, machine)")
    args = parser.parse_args()
    rows = collections.OrderedDict()
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
                text = f"{control[len('chance depth: '):]} {', '.join(rest)}"
            else:
                text = f"{control}: {rest[0]} ({rest[1]} {rest[2]})" if len(rest) >= 3 else f"{control}: {rest[0]}"
            rows.setdefault(claim, []).append(text)
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
