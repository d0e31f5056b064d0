#!/bin/sh
# Stands in for a test that needs Open MPI when it is not installed.
echo "SKIPPED: $*"
