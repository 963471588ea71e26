#!/usr/bin/python3
"""Writes the HDF5 hostile-input corpus (tests/hostile/corpus_hdf5/) and its
manifest (tests/hostile/expected_hdf5.json), for issue 12 (model formats).
Run with /usr/bin/python3 (h5py, NumPy); the files are h5py's, then damaged.

libhdf5 is not hardened against hostile files; dtlint runs it in a child
process (analyzer/formats/hdf5.h). Each damaged file must give one E901 with
its specific reason and the scan must go on to the good files:
  truncated.h5           cut short: libhdf5 sees the file end before the
                         end address its superblock declares
  bad_superblock.h5      the superblock's version byte set to 7
  corrupt_btree.h5       the root group's symbol-table B-tree node ("TREE")
                         overwritten: listing the datasets fails
  corrupt_btree_keys.h5  the same node's keys and child addresses overwritten
  huge_chunks.h5         chunk dimensions patched to 11000 x 11000 float64
                         (968 MB a chunk, libhdf5 would allocate it whole)
  declares_1e15.h5       a dataset of 10^15 float32 elements in a 2 KB file
                         (no chunk written: it would read 4 PB of fill values)
  lzf.h5                 compressed with h5py's LZF filter, which Debian's
                         libhdf5 has no plugin for (a filter it lacks)
  not_hdf5.h5            text with an .h5 name
  no_weights.keras       a .keras zip without model.weights.h5
  bad_weights.keras      a .keras zip whose model.weights.h5 is not HDF5
readable:
  good.h5                two datasets, an external link to /etc/passwd (never
                         followed), and a dataset whose storage is an external
                         file (/etc/hostname: never opened, skipped with reason)

manifest: {"unreadable": {file: phrase}, "readable": {file: {"arrays": n, "skipped": reason}}}
"""
import io
import os
import struct
import zipfile

import h5py
import numpy as np

from corpus import Corpus

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = Corpus(os.path.join(HERE, "corpus_hdf5"))


def h5_bytes(build, **kwargs):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", **kwargs) as f:
        build(f)
    return bytearray(buffer.getvalue())


def weights(f):
    f.create_dataset("dense/kernel:0", data=np.arange(64, dtype=np.float32).reshape(8, 8))
    f.create_dataset("dense/bias:0", data=np.full(8, 7e4, dtype=np.float32))


def many_datasets(f):
    for i in range(40):
        f.create_dataset("w%02d" % i, data=np.full(4, i, dtype=np.float32))


def patch(data, old, new):
    at = data.find(old)
    assert at >= 0 and data.find(old, at + 1) < 0, old
    data[at:at + len(new)] = new
    return data


def keras(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def main():
    CORPUS.create()

    good = h5_bytes(lambda f: (weights(f), f.__setitem__("elsewhere", h5py.ExternalLink("/etc/passwd", "/x")),
                               f.create_dataset("outside", shape=(8,), dtype="u1", external=[("/etc/hostname", 0, 8)])))
    CORPUS.put("good.h5", good, arrays=2, skipped="its data is in 1 external file(s), which dtlint does not open")

    whole = h5_bytes(weights)
    CORPUS.put("truncated.h5", bytes(whole[:len(whole) // 2]), "not a readable HDF5 file (libhdf5: unable to open file: truncated file")

    bad = bytearray(whole)
    bad[8] = 7  # superblock version
    CORPUS.put("bad_superblock.h5", bytes(bad), "not a readable HDF5 file (libhdf5: unable to open file: bad superblock version")

    earliest = h5_bytes(many_datasets, libver="earliest")
    tree = bytearray(earliest)
    CORPUS.put("corrupt_btree.h5", bytes(patch(tree, b"TREE", b"EERT")), "cannot list the file's datasets (libhdf5: object iteration failed: wrong B-tree signature)")
    keys = bytearray(earliest)
    at = keys.find(b"TREE")
    keys[at + 8:at + 48] = b"\xa5" * 40  # sibling addresses, first keys and child pointers
    CORPUS.put("corrupt_btree_keys.h5", bytes(keys), "cannot list the file's datasets")

    chunked = h5_bytes(lambda f: f.create_dataset("w", shape=(20000, 20000), dtype="<f8", chunks=(1000, 1000)),
                       libver="earliest")
    CORPUS.put("huge_chunks.h5", bytes(patch(chunked, struct.pack("<III", 1000, 1000, 8), struct.pack("<III", 11000, 11000, 8))), "dataset 'w': chunks of 968000000 bytes, more than the 128 MiB")

    CORPUS.put("declares_1e15.h5", bytes(h5_bytes(lambda f: f.create_dataset("ids", shape=(10**15,), dtype="<f4", chunks=(4096,)))), "dataset 'ids': declares 1000000000000000 elements (4000000000000000 bytes), more than 1032 times")

    # h5py's own LZF filter: Debian's libhdf5 has no plugin for it.
    CORPUS.put("lzf.h5", bytes(h5_bytes(lambda f: f.create_dataset("w", data=np.ones((64, 64), dtype="<f4"), compression="lzf"))), "dataset 'w': compressed with HDF5 filter 32000 ('lzf'), which this libhdf5 cannot decode")

    CORPUS.put("not_hdf5.h5", bytes(b"model weights, as a text file\n" * 4), "not a readable HDF5 file (libhdf5: unable to open file: file signature not found)")

    CORPUS.put("no_weights.keras", bytes(keras([("config.json", b"{}"), ("metadata.json", b"{}")])), "no model.weights.h5 member")
    CORPUS.put("bad_weights.keras", bytes(keras([("config.json", b"{}"), ("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\0" * 200)])), "not a readable HDF5 file")

    CORPUS.write_expected(os.path.join(HERE, "expected_hdf5.json"))


if __name__ == "__main__":
    main()
