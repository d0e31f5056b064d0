#!/usr/bin/env bash
# The committed manifest's sha256 and sizes match the data files present in NEUROSCORE_DATA.
set -euo pipefail
fetch="$1"
manifest="$2"
if [[ -z "${NEUROSCORE_DATA:-}" || ! -d "${NEUROSCORE_DATA}" ]]; then
  msg="real data not found: set NEUROSCORE_DATA to the data root, or fetch it with third_party/data/fetch_data.sh"
  if [[ "${NEUROSCORE_REQUIRE_DATA:-}" == "1" ]]; then
    echo "FAIL: $msg (NEUROSCORE_REQUIRE_DATA=1)"; exit 1
  fi
  echo "SKIPPED: $msg"; exit 0
fi
# Every data file the project reads must be listed.
for f in alice_brennan2016/words.TextGrid alice_brennan2016/timecourses_6mm/s18-timecourses.txt \
         models/stories260K/stories260K.bin models/stories260K/tok512.bin \
         pereira2018/pereira_averaged.csv naturalstories_futrell2018/processed_wordinfo.tsv; do
  grep -q "^$f	" "$manifest" || { echo "FAIL: $f is not in the manifest"; exit 1; }
done
# And nothing in the data root is missing from it (the root README is the project lead's own).
while IFS= read -r f; do
  rel="${f#"$NEUROSCORE_DATA"/}"
  [[ "$rel" == "README.md" ]] && continue
  grep -q "^$rel	" "$manifest" || { echo "FAIL: $rel is in the data root but not in the manifest"; exit 1; }
done < <(find "$NEUROSCORE_DATA" -type f | sort)
bash "$fetch" --check "$NEUROSCORE_DATA"
