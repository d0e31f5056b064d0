"""pytest_test(name, srcs): one py_test that runs Debian's pytest on `srcs`."""

def pytest_test(name, srcs, deps = [], data = [], size = "medium", **kwargs):
    native.py_test(
        name = name,
        size = size,
        srcs = ["tests/pytest_main.py"] + srcs,
        main = "tests/pytest_main.py",
        args = ["$(location %s)" % s for s in srcs],
        python_version = "PY3",
        deps = ["//python:neuroscore"] + deps,
        data = data,
        **kwargs
    )
