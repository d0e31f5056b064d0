#!/usr/bin/env bash
# CLAIMS.md must be exactly what make_claims_md.sh generates from the claims.tsv files.
set -euo pipefail
dir="$TEST_SRCDIR/$TEST_WORKSPACE/reproductions"
if ! diff -u "$dir/CLAIMS.md" <(bash "$dir/make_claims_md.sh"); then
  echo "reproductions/CLAIMS.md is stale: run bash reproductions/make_claims_md.sh > reproductions/CLAIMS.md" >&2
  exit 1
fi
echo "CLAIMS.md matches the registries"
