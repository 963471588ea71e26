#!/usr/bin/python3
"""Inputs for measuring peak memory against the number of arrays and files.

    /usr/bin/python3 bench/memory_inputs.py OUT_DIR [--tensors N] [--members N] [--files N]

writes OUT_DIR/many_tensors.safetensors (N empty float32 tensors in one
header), OUT_DIR/many_members.npz (N one-element float64 members) and
OUT_DIR/many_files/ (N small .npy files of 512 bytes or so). Then e.g.

    /usr/bin/time -v build/dtlint scan OUT_DIR/many_tensors.safetensors --format json -o /dev/null

and read "Maximum resident set size". Memory should not grow with N.
"""
import argparse
import json
import os
import struct

import numpy as np


def many_tensors(path, count):
    header = {f"layer.{i}.weight": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]} for i in range(count)}
    text = json.dumps(header, separators=(",", ":")).encode()
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)


def many_members(path, count):
    # float64 values float16 cannot hold, so every member gives findings too.
    np.savez(path, **{f"m{i}": np.array([1e-9 * (i + 1)]) for i in range(count)})


def many_files(folder, count):
    os.makedirs(folder, exist_ok=True)
    values = np.linspace(0, 1, 48)  # 384 bytes of data behind a 128-byte header
    for i in range(count):
        np.save(os.path.join(folder, f"f{i:07d}.npy"), values + i)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--tensors", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=100_000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.tensors:
        many_tensors(os.path.join(args.out, "many_tensors.safetensors"), args.tensors)
    if args.members:
        many_members(os.path.join(args.out, "many_members.npz"), args.members)
    if args.files:
        many_files(os.path.join(args.out, "many_files"), args.files)


if __name__ == "__main__":
    main()
