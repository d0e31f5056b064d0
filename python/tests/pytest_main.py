"""Runs pytest on the files given (python/pytest.bzl): quiet, no cache in the runfiles tree."""
import sys

import pytest

if __name__ == "__main__":
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-W", "error::RuntimeWarning", *sys.argv[1:]]))
