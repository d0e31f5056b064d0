#!/usr/bin/env python3
"""Golden NIfTI files for tests/io/nifti_test.cc, written with nibabel 5.0.0 (Debian 12's
python3-nibabel) and numpy 1.24.2. Run from the repository root:

    /usr/bin/python3 tests/io/make_nifti_golden.py

Every image holds v(x, y, z, t) = x + 10 y + 100 z + 1000 t (+ 0.25 for float types) on a
4 x 3 x 2 grid with 5 volumes (3D images: t = 0), in the stored type; the int16 image stores
r = v and declares scl_slope 0.5, scl_inter 10, so readers must return 0.5 v + 10. The mask is
1 where (x + y + z) is even. The affine (sform and qform, code 1) is AFFINE below. The script
reads every file back with nibabel and checks these values before it finishes.
"""
import gzip
import os

import nibabel as nib
import numpy as np

OUT = "tests/io/testdata/nifti"
SHAPE = (4, 3, 2, 5)
# A rotation about z by 90 degrees, 2 mm voxels, an offset: what a real scanner affine looks like.
AFFINE = np.array([[0.0, -2.0, 0.0, 10.0],
                   [2.0, 0.0, 0.0, -20.0],
                   [0.0, 0.0, 2.5, 30.0],
                   [0.0, 0.0, 0.0, 1.0]])


def values(shape, dtype):
    idx = np.indices(shape)
    v = idx[0] + 10 * idx[1] + 100 * idx[2]
    if len(shape) == 4:
        v = v + 1000 * idx[3]
    v = v.astype(np.float64)
    if np.issubdtype(dtype, np.floating):
        v = v + 0.25
    return v.astype(dtype)


def save(img, name):
    img.header.set_sform(AFFINE, code=1)
    img.header.set_qform(AFFINE, code=1)
    path = os.path.join(OUT, name)
    nib.save(img, path)
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    made = {}
    made["n1_float32.nii"] = values(SHAPE, np.float32)
    save(nib.Nifti1Image(made["n1_float32.nii"], AFFINE), "n1_float32.nii")
    made["n1_float32.nii.gz"] = made["n1_float32.nii"]
    save(nib.Nifti1Image(made["n1_float32.nii"], AFFINE), "n1_float32.nii.gz")
    made["n2_float64.nii"] = values(SHAPE, np.float64)
    save(nib.Nifti2Image(made["n2_float64.nii"], AFFINE), "n2_float64.nii")
    big = nib.Nifti1Header(endianness=">")
    made["n1_float32_bigendian.nii"] = made["n1_float32.nii"]
    save(nib.Nifti1Image(made["n1_float32.nii"].astype(">f4"), AFFINE, header=big), "n1_float32_bigendian.nii")
    made["n1_uint8_3d.nii"] = values(SHAPE[:3], np.uint8)
    save(nib.Nifti1Image(made["n1_uint8_3d.nii"], AFFINE), "n1_uint8_3d.nii")
    mask = (np.indices(SHAPE[:3]).sum(axis=0) % 2 == 0).astype(np.uint8)
    made["mask.nii"] = mask
    save(nib.Nifti1Image(mask, AFFINE), "mask.nii")

    # int16 with an explicit slope and intercept: header fields set by hand, data stored raw.
    raw = values(SHAPE, np.int16)
    hdr = nib.Nifti1Header()
    hdr.set_data_shape(SHAPE)
    hdr.set_data_dtype(np.int16)
    hdr.set_sform(AFFINE, code=1)
    hdr.set_qform(AFFINE, code=1)
    hdr["scl_slope"] = 0.5
    hdr["scl_inter"] = 10.0
    hdr["vox_offset"] = 352
    with open(os.path.join(OUT, "n1_int16_scaled.nii"), "wb") as f:
        f.write(hdr.binaryblock + b"\0\0\0\0" + raw.tobytes(order="F"))
    made["n1_int16_scaled.nii"] = raw.astype(np.float64) * 0.5 + 10.0

    for name, expected in made.items():
        img = nib.load(os.path.join(OUT, name))
        got = np.asarray(img.dataobj, dtype=np.float64)
        assert np.array_equal(got, np.asarray(expected, dtype=np.float64)), name
        assert np.allclose(img.affine, AFFINE), name
    with gzip.open(os.path.join(OUT, "n1_float32.nii.gz")) as f:
        assert f.read(4) == (348).to_bytes(4, "little")
    print("wrote", len(made), "files to", OUT, "with nibabel", nib.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
