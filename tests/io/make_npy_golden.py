#!/usr/bin/python3
"""Writes the golden .npy files of tests/io/npy_test.cc into tests/io/testdata/.

Run with Debian's Python and numpy (apt-get install -y python3-numpy):
    /usr/bin/python3 tests/io/make_npy_golden.py
Made with Python 3.11.2 and numpy 1.24.2 (Debian 12). The files are deterministic: running this
again rewrites them byte for byte. The values every file holds (npy_test.cc checks them):

  float dtypes  <f8 <f4            M[r][c] = 10*r + c + 0.25   -> [[0.25, 1.25, 2.25], [10.25, 11.25, 12.25]]
  signed ints   |i1 <i2 <i4 <i8    M[r][c] = 10*r + c - 3      -> [[-3, -2, -1], [7, 8, 9]]
  unsigned ints |u1 <u2 <u4 <u8    [[0, 1, 2], [253, 254, 255]]
  bool          |b1                [[True, False, True], [False, False, True]]

Files (shape (2, 3) unless said otherwise):
  <dtype>_<order>_v1.npy   every dtype above, order c (C) and f (Fortran), format version 1.0
  f8_<order>_v2.npy, f8_<order>_v3.npy, i4_<order>_v2.npy, i4_<order>_v3.npy   versions 2.0 and 3.0
  f8_1d.npy       shape (5,), [0.5, -1.5, 2.5, 1e-300, 1e300]
  f8_0d.npy       shape (), 42.0
  f8_3d.npy       shape (2, 3, 4), C order, arange(24) + 0.5
  f8_empty.npy    shape (0, 3)
  i8_large.npy    shape (2,), [2**53 + 1, -2**62]   (not exactly representable as double)
  f8_nan.npy      shape (3,), [nan, inf, -inf]      (kept as stored by the reader)
Files the reader must reject:
  f8_bigendian.npy   dtype >f8
  c16.npy            dtype <c16 (complex)
  f2.npy             dtype <f2 (half)
  structured.npy     dtype [('a', '<i4'), ('b', '<f8')]
  object.npy         dtype |O (pickled Python objects)
"""
import pathlib

import numpy as np
from numpy.lib import format as npformat

OUT = pathlib.Path(__file__).resolve().parent / "testdata"


def write(name, array, version=(1, 0)):
    OUT.mkdir(exist_ok=True)
    with open(OUT / name, "wb") as f:
        npformat.write_array(f, array, version=version, allow_pickle=True)
    back = np.load(OUT / name, allow_pickle=True)
    assert back.dtype == array.dtype and back.shape == array.shape
    if array.dtype.kind not in "OV":
        assert np.array_equal(back, array, equal_nan=array.dtype.kind in "fc")


def main():
    r, c = np.indices((2, 3))
    bases = {
        "f8": (10 * r + c + 0.25).astype("<f8"),
        "f4": (10 * r + c + 0.25).astype("<f4"),
        "i1": (10 * r + c - 3).astype("|i1"),
        "i2": (10 * r + c - 3).astype("<i2"),
        "i4": (10 * r + c - 3).astype("<i4"),
        "i8": (10 * r + c - 3).astype("<i8"),
        "u1": np.array([[0, 1, 2], [253, 254, 255]], dtype="|u1"),
        "u2": np.array([[0, 1, 2], [253, 254, 255]], dtype="<u2"),
        "u4": np.array([[0, 1, 2], [253, 254, 255]], dtype="<u4"),
        "u8": np.array([[0, 1, 2], [253, 254, 255]], dtype="<u8"),
        "b1": np.array([[True, False, True], [False, False, True]], dtype="|b1"),
    }
    for name, base in bases.items():
        write(f"{name}_c_v1.npy", np.ascontiguousarray(base))
        write(f"{name}_f_v1.npy", np.asfortranarray(base))
    for name in ("f8", "i4"):
        for version in ((2, 0), (3, 0)):
            write(f"{name}_c_v{version[0]}.npy", np.ascontiguousarray(bases[name]), version)
            write(f"{name}_f_v{version[0]}.npy", np.asfortranarray(bases[name]), version)
    write("f8_1d.npy", np.array([0.5, -1.5, 2.5, 1e-300, 1e300], dtype="<f8"))
    write("f8_0d.npy", np.array(42.0, dtype="<f8"))
    write("f8_3d.npy", (np.arange(24, dtype="<f8") + 0.5).reshape(2, 3, 4))
    write("f8_empty.npy", np.zeros((0, 3), dtype="<f8"))
    write("i8_large.npy", np.array([2**53 + 1, -(2**62)], dtype="<i8"))
    write("f8_nan.npy", np.array([np.nan, np.inf, -np.inf], dtype="<f8"))
    write("f8_bigendian.npy", bases["f8"].astype(">f8"))
    write("c16.npy", np.array([1 + 2j, 3 - 4j], dtype="<c16"))
    write("f2.npy", np.array([1.0, 2.0], dtype="<f2"))
    write("structured.npy", np.array([(1, 2.0), (3, 4.0)], dtype=[("a", "<i4"), ("b", "<f8")]))
    write("object.npy", np.array([None, "x"], dtype=object))


if __name__ == "__main__":
    main()
