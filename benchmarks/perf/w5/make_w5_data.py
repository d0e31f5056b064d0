#!/usr/bin/python3
"""W5 inputs: simulated features X (3000 x 768, float64 .npy) and responses Y (3000 x T, float32
.npy), Y = 0.05 * X W + noise with W and the noise standard normal (each target's r about 0.7 on
held-out data), written in chunks of 10,000 targets so that 300,000 targets (3.6 GB) never sit in
memory. Deterministic: numpy's PCG64 from the seed, chunk by chunk. Written under a temporary
name and renamed when complete, so that an interrupted run leaves no file run_w5.sh would reuse.

usage: make_w5_data.py OUT_DIR TARGETS [SEED]
"""
import os
import sys

import numpy as np


def main():
    out, targets = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3000, 768))
    np.save(f"{out}/x.npy", x)
    part = f"{out}/y_{targets}.npy.partial"
    y = np.lib.format.open_memmap(part, mode="w+", dtype=np.float32, shape=(3000, targets))
    for first in range(0, targets, 10000):
        n = min(10000, targets - first)
        w = rng.standard_normal((768, n))
        y[:, first:first + n] = (0.05 * (x @ w) + rng.standard_normal((3000, n))).astype(np.float32)
    y.flush()
    del y
    os.rename(part, f"{out}/y_{targets}.npy")


if __name__ == "__main__":
    main()
