#!/usr/bin/env python3
"""Golden GIfTI files for tests/io/gifti_test.cc, written with nibabel 5.0.0 (Debian 12's
python3-nibabel) and numpy 1.24.2. Run from the repository root:

    /usr/bin/python3 tests/io/make_gifti_golden.py

Every run holds v(vertex, t) = vertex + 100 t (+ 0.5 for float types) for 7 vertices and 4 volumes:
- func_<encoding>.func.gii: 4 one-dimensional float32 arrays (one per volume, intent
  NIFTI_INTENT_TIME_SERIES) in the ASCII, Base64Binary and GZipBase64Binary encodings;
- int32_2d.func.gii: one int32 array of 7 vertices x 4 volumes (row-major, gzip);
- colmajor_2d.func.gii: the float32 values as one 7 x 4 array stored column-major (Base64Binary;
  the script checks the raw bytes are in column order).
The script reads every file back with nibabel and checks these values.
"""
import os

import nibabel as nib
import numpy as np
from nibabel.gifti import GiftiDataArray, GiftiImage

OUT = "tests/io/testdata/gifti"
VERTICES, VOLUMES = 7, 4


def run(dtype):
    v = np.arange(VERTICES)[:, None] + 100 * np.arange(VOLUMES)[None, :]
    v = v.astype(np.float64) + (0.5 if np.issubdtype(dtype, np.floating) else 0.0)
    return v.astype(dtype)  # vertices x volumes


def main():
    os.makedirs(OUT, exist_ok=True)
    f = run(np.float32)
    for enc, name in (("GIFTI_ENCODING_ASCII", "ascii"), ("GIFTI_ENCODING_B64BIN", "base64"), ("GIFTI_ENCODING_B64GZ", "gzip")):
        arrays = [GiftiDataArray(f[:, t], intent="NIFTI_INTENT_TIME_SERIES", datatype="NIFTI_TYPE_FLOAT32", encoding=enc)
                  for t in range(VOLUMES)]
        nib.save(GiftiImage(darrays=arrays), os.path.join(OUT, "func_%s.func.gii" % name))
    i = run(np.int32)
    nib.save(GiftiImage(darrays=[GiftiDataArray(i, intent="NIFTI_INTENT_TIME_SERIES", datatype="NIFTI_TYPE_INT32",
                                                encoding="GIFTI_ENCODING_B64GZ")]), os.path.join(OUT, "int32_2d.func.gii"))
    nib.save(GiftiImage(darrays=[GiftiDataArray(f, intent="NIFTI_INTENT_TIME_SERIES", datatype="NIFTI_TYPE_FLOAT32",
                                                encoding="GIFTI_ENCODING_B64BIN", ordering="ColumnMajorOrder")]),
             os.path.join(OUT, "colmajor_2d.func.gii"))
    for name in sorted(os.listdir(OUT)):
        img = nib.load(os.path.join(OUT, name))
        if len(img.darrays) == VOLUMES:
            got = np.stack([d.data for d in img.darrays], axis=1)
        else:
            got = img.darrays[0].data
        assert np.array_equal(got.astype(np.float64), run(got.dtype).astype(np.float64)), name
    with open(os.path.join(OUT, "colmajor_2d.func.gii")) as fh:
        text = fh.read()
    assert 'ArrayIndexingOrder="ColumnMajorOrder"' in text
    import base64
    raw = np.frombuffer(base64.b64decode(text.split("<Data>")[1].split("</Data>")[0]), dtype="<f4")
    assert np.array_equal(raw, f.ravel(order="F")), "column-major bytes"
    print("wrote", len(os.listdir(OUT)), "files to", OUT, "with nibabel", nib.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
