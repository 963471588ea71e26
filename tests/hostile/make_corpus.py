#!/usr/bin/python3
"""Writes the hostile-input corpus (tests/hostile/corpus/) and its manifest
(tests/hostile/expected.json: file -> the phrase its E901 message must contain).

Every file is small and built byte by byte from the formats' specifications, so
that each exercises one defence of the readers: truncated headers and data,
shapes whose product overflows, negative and huge dimensions, bad descr strings,
overlapping and out-of-bounds safetensors offsets, duplicate keys, header
lengths near 2^64, tiny zip bombs, overlapping zip entries, bad CRCs, invalid
UTF-8. Run with /usr/bin/python3 (standard library only); deterministic.
"""
import json
import os
import shutil
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
CASES = {}  # hostile file -> phrase its E901 message contains
GOOD = {}   # readable file -> what the scan finds in it


def put(name, data, phrase):
    with open(os.path.join(CORPUS, name), "wb") as fh:
        fh.write(data)
    CASES[name] = phrase


def npy(header_dict, data=b"", version=(1, 0), pad=True):
    text = header_dict.encode("latin-1")
    if pad:
        total = 10 + len(text) + 1
        text += b" " * (-total % 64) + b"\n"
    if version[0] == 1:
        prefix = b"\x93NUMPY" + bytes(version) + struct.pack("<H", len(text))
    else:
        prefix = b"\x93NUMPY" + bytes(version) + struct.pack("<I", len(text))
    return prefix + text + data


def safetensors(header, data=b"", length=None):
    text = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


def npy_cases():
    good = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"
    put("npy_empty.npy", b"", "empty file")
    put("npy_bad_magic.npy", b"\x93NUMPZ\x01\x00" + b"\x00" * 64, "does not start with the \\x93NUMPY magic")
    put("npy_truncated_preamble.npy", b"\x93NUMPY\x01", "truncated preamble")
    put("npy_version_9.npy", b"\x93NUMPY\x09\x00\x10\x00" + b" " * 16, "unsupported .npy format version 9.0")
    put("npy_header_past_eof.npy", b"\x93NUMPY\x01\x00\xff\x00{'descr'", "truncated header")
    put("npy_header_over_cap.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{", "exceeds dtlint's")
    put("npy_truncated_data.npy", npy(good, b"\x00" * 12), "truncated: header declares 32 data bytes, 12 present")
    put("npy_trailing_bytes.npy", npy(good, b"\x00" * 40), "unexpected byte")
    put("npy_shape_overflow.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
        "more elements than fit in 64 bits")
    put("npy_bytes_overflow.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }"),
        "more bytes than fit in 64 bits")
    put("npy_negative_dim.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"),
        "in 'shape' is negative")
    put("npy_huge_dim.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (123456789012345678901234,), }"),
        "does not fit in 64 bits")
    put("npy_bad_descr.npy", npy("{'descr': '<q7', 'fortran_order': False, 'shape': (1,), }", b"\x00" * 8),
        "unsupported dtype")
    put("npy_unicode_descr.npy", npy("{'descr': '<U10', 'fortran_order': False, 'shape': (1,), }", b"\x00" * 40),
        "unicode string dtype")
    put("npy_structured.npy", npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", b"\x00" * 8),
        "structured dtype")
    put("npy_duplicate_key.npy", npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"),
        "duplicate key 'descr'")
    put("npy_python_code.npy", npy("{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,), }"),
        "'descr' must be a string")
    put("npy_invalid_utf8_v3.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }".replace("<f8", "<f8\xff"),
                                       b"\x00" * 8, version=(3, 0)), "not valid UTF-8")
    put("npy_unclosed_dict.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", pad=False),
        "the header dict is not closed")


def safetensors_cases():
    t = lambda dtype, shape, begin, end: {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}
    put("st_length_near_2_64.safetensors", struct.pack("<Q", 2**64 - 1) + b"{}", "declares more than the 100000000-byte cap")
    put("st_length_past_eof.safetensors", safetensors(b"{}", length=4096), "truncated header")
    put("st_not_utf8.safetensors", safetensors(b'{"a\xff":{}}'), "not valid UTF-8")
    put("st_not_object.safetensors", safetensors(b"[1,2,3] "), "does not start with '{'")
    put("st_duplicate_tensor.safetensors",
        safetensors(b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                    b'"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\x00" * 8),
        "duplicate tensor name 'w'")
    put("st_overlap.safetensors", safetensors({"a": t("F32", [2], 0, 8), "b": t("F32", [2], 4, 12)}, b"\x00" * 12),
        "overlaps tensor")
    put("st_gap.safetensors", safetensors({"a": t("F32", [1], 0, 4), "b": t("F32", [1], 8, 12)}, b"\x00" * 12),
        "gap in the data section")
    put("st_out_of_bounds.safetensors", safetensors({"a": t("F64", [4], 0, 32)}, b"\x00" * 8),
        "extends past the end of the data section")
    put("st_size_mismatch.safetensors", safetensors({"a": t("F32", [3], 0, 8)}, b"\x00" * 8), "needs 12")
    put("st_shape_overflow.safetensors",
        safetensors({"a": t("F32", [4294967296, 4294967296, 16], 0, 4)}, b"\x00" * 4), "more elements than fit")
    put("st_unknown_dtype.safetensors", safetensors({"a": t("I4", [1], 0, 1)}, b"\x00"), "has an unknown dtype (not a safetensors dtype")
    put("st_bad_metadata.safetensors", safetensors({"__metadata__": {"n": 1}}), "must map strings to strings")
    put("st_deep_nesting.safetensors", safetensors(b'{"a":{"note":' + b"[" * 100000), "nests deeper")


def zip_bytes(members, method=zipfile.ZIP_STORED):
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, compress_type=method)
    return bytearray(buf.getvalue())


def npz_cases():
    member = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", b"\x00" * 32)
    put("npz_not_a_zip.npz", b"PK\x03\x04 this is not really a zip archive", "zip archive")
    data = zip_bytes([("x.npy", member)])
    put("npz_truncated.npz", bytes(data[: len(data) // 2]), "end-of-central-directory record is missing")
    bad_crc = zip_bytes([("x.npy", member)])
    bad_crc[30 + len("x.npy") + len(member) - 1] ^= 0xFF  # the member's last data byte
    put("npz_bad_crc.npz", bytes(bad_crc), "CRC-32 mismatch")
    # A tiny zip bomb: 8 MiB of zeros deflated, behind an npy header declaring 4 values.
    bomb = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", b"\x00" * (8 << 20))
    put("npz_bomb.npz", bytes(zip_bytes([("x.npy", bomb)], zipfile.ZIP_DEFLATED)), "uncompressed bytes, but its .npy header declares")
    # Two central-directory entries for one local entry: overlapping members.
    one = zip_bytes([("a.npy", member)])
    eocd = one.rfind(b"PK\x05\x06")
    cd_offset, = struct.unpack_from("<I", one, eocd + 16)
    cd_size, = struct.unpack_from("<I", one, eocd + 12)
    entry = bytes(one[cd_offset:cd_offset + cd_size]).replace(b"a.npy", b"b.npy")
    out = one[:eocd] + entry + one[eocd:]
    new_eocd = len(one[:eocd] + entry)
    struct.pack_into("<HHI", out, new_eocd + 8, 2, 2, cd_size * 2)
    put("npz_overlapping.npz", bytes(out), "do not match its central directory")
    enc = zip_bytes([("x.npy", member)])
    struct.pack_into("<H", enc, 6, 1)  # local header: encrypted
    cd = enc.rfind(b"PK\x01\x02")
    struct.pack_into("<H", enc, cd + 8, 1)  # central directory: encrypted
    put("npz_encrypted.npz", bytes(enc), "encrypted member")
    put("npz_broken_member.npz", bytes(zip_bytes([("x.npy", b"\x93NUMPY\x01\x00\xff\xff{")])), "truncated header")


def good_cases():
    """Readable files beside the hostile ones: the scan must still report them."""
    member = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", struct.pack("<2d", 7e4, 1.5))
    GOOD["good.npy"] = {"arrays": 1}
    with open(os.path.join(CORPUS, "good.npy"), "wb") as fh:
        fh.write(member)
    # An .npz with a README beside its array: the array is read, the README skipped (DT204).
    GOOD["good_with_readme.npz"] = {"arrays": 1, "skipped": "not an .npy member"}
    with open(os.path.join(CORPUS, "good_with_readme.npz"), "wb") as fh:
        fh.write(bytes(zip_bytes([("x.npy", member), ("README.txt", b"about these arrays")])))


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    os.makedirs(CORPUS)
    npy_cases()
    safetensors_cases()
    npz_cases()
    good_cases()
    with open(os.path.join(HERE, "expected.json"), "w") as fh:
        json.dump({"unreadable": CASES, "readable": GOOD}, fh, indent=2, sort_keys=True)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(CORPUS, f)) for f in os.listdir(CORPUS))
    print("%d files, %d bytes" % (len(CASES) + len(GOOD), total))


if __name__ == "__main__":
    main()
