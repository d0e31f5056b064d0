#!/usr/bin/env bash
# The umbrella header includes every public header of its folder: umbrella_test.sh UMBRELLA HEADER...
# (the headers of the folder, the umbrella among them). Fails naming each header it leaves out.
set -euo pipefail
umbrella="$1"
shift
missing=0
for h in "$@"; do
  [[ "$h" == "$umbrella" ]] && continue
  if ! grep -qx "#include \"$h\"" "$umbrella"; then
    echo "$umbrella does not include \"$h\"" >&2
    missing=1
  fi
done
exit "$missing"
