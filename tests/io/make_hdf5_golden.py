#!/usr/bin/env python3
"""Golden HDF5 file for tests/io/hdf5_test.cc, written with h5py 3.7.0 (Debian 12's python3-h5py,
HDF5 1.10.8) and numpy 1.24.2. Run from the repository root:

    /usr/bin/python3 tests/io/make_hdf5_golden.py

tests/io/testdata/hdf5/data.h5 holds, with v(i, j) = i + 1000 j (+ 0.5 for float types):
- /ecog/high_gamma: float32, 30 x 8 (row-major, as numpy writes it);
- /ecog/sfreq: float64 scalar-like 1-D [512.0];
- /meta/trial: int16, 1-D of 30 values i;
- /nested/deep/values: float64, 5 x 4, big-endian;
- /labels: variable-length strings (not numeric);
- /cube: float32 2 x 3 x 4 (three dimensions).
"""
import os

import h5py
import numpy as np

OUT = "tests/io/testdata/hdf5"


def v(rows, cols, dtype):
    x = np.arange(rows)[:, None] + 1000 * np.arange(cols)[None, :]
    x = x.astype(np.float64) + (0.5 if np.issubdtype(np.dtype(dtype), np.floating) else 0.0)
    return x.astype(dtype)


def main():
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "data.h5")
    with h5py.File(path, "w") as f:
        f["ecog/high_gamma"] = v(30, 8, np.float32)
        f["ecog/sfreq"] = np.array([512.0])
        f["meta/trial"] = np.arange(30, dtype=np.int16)
        f.create_dataset("nested/deep/values", data=v(5, 4, ">f8"))
        f["labels"] = np.array([b"alpha", b"beta"], dtype=h5py.string_dtype())
        f["cube"] = np.zeros((2, 3, 4), dtype=np.float32)
    with h5py.File(path, "r") as f:
        assert np.array_equal(f["ecog/high_gamma"][()], v(30, 8, np.float32))
        assert f["nested/deep/values"].dtype.byteorder == ">"
    print("wrote", path, "with h5py", h5py.__version__, "HDF5", h5py.version.hdf5_version, "numpy", np.__version__)


if __name__ == "__main__":
    main()
