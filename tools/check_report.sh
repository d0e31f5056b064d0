#!/usr/bin/env bash
# Checks that the leaderboard report renders in a real browser: every figure of report.html is
# loaded by headless Chromium as an image with a non-zero size, and a full-page screenshot is
# taken. Usage: bash tools/check_report.sh [RESULTS_DIR]   (default: results)
# Needs Debian's chromium (apt-get install chromium); not part of tools/setup.sh because only this
# manual check uses it. Exit status: 0 when every figure rendered.
set -euo pipefail
dir="$(cd "${1:-results}" && pwd)"
report="$dir/report.html"
[[ -f "$report" ]] || { echo "check_report: $report not found (run tools/main.sh first)" >&2; exit 1; }
browser="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$browser" ]] || { echo "check_report: chromium not installed (apt-get install chromium)" >&2; exit 1; }
mapfile -t figures < <(grep -o 'src="[^"]*\.svg"' "$report" | sed 's/^src="//; s/"$//')
(( ${#figures[@]} > 0 )) || { echo "check_report: report.html references no SVG figure" >&2; exit 1; }
# A probe page next to the report loads each figure as <img> and records its rendered width.
probe="$dir/.check_report_probe.html"
{
  echo '<!DOCTYPE html><html><body>'
  for f in "${figures[@]}"; do
    echo "<img src=\"$f\" onload=\"this.dataset.w=this.naturalWidth\" onerror=\"this.dataset.w='error'\">"
  done
  echo '</body></html>'
} > "$probe"
flags=(--headless --no-sandbox --disable-gpu --allow-file-access-from-files --virtual-time-budget=10000)
dom="$("$browser" "${flags[@]}" --dump-dom "file://$probe" 2>/dev/null)"
rm -f "$probe"
ok=$( (grep -o 'data-w="[1-9][0-9]*"' <<<"$dom" || true) | wc -l)
"$browser" "${flags[@]}" --window-size=1200,4000 --screenshot="$dir/report_screenshot.png" "file://$report" >/dev/null 2>&1 || true
echo "check_report: $ok of ${#figures[@]} figures rendered by $("$browser" --version 2>/dev/null | head -1)"
[[ -s "$dir/report_screenshot.png" ]] && echo "check_report: screenshot $dir/report_screenshot.png"
(( ok == ${#figures[@]} ))
