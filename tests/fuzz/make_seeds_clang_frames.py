#!/usr/bin/env python3
"""Seeds for fuzz_clang_frames: answers of dtlint-clang (analyzer/source/protocol.h).

Run with any python3 (no modules needed); writes tests/fuzz/corpus/clang_frames/.
"""
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "clang_frames")
HELLO = b"dtlint-clang 1"
NO_DTYPE = 0xFF
# DType values of analyzer/dtype.h.
INT8, INT32, FLOAT16, FLOAT32, FLOAT64 = 1, 3, 11, 13, 14


def text(value):
    value = value.encode() if isinstance(value, str) else value
    return struct.pack("<I", len(value)) + value


def frame(kind, payload):
    return kind.encode() + struct.pack("<I", len(payload)) + payload


def x87(value):
    """An x87 extended value of a float exactly representable in a double."""
    import math
    if value == 0:
        return struct.pack("<QH", 0, 0)
    sign = 0x8000 if value < 0 else 0
    mantissa, exponent = math.frexp(abs(value))  # value = mantissa * 2**exponent, 0.5 <= mantissa < 1
    significand = int(mantissa * (1 << 64))
    return struct.pack("<QH", significand, sign | (exponent - 1 + 16383))


def site(line, column, kind, source, source_dtype, target, target_dtype, semantics=0, constant=None):
    payload = text("/src/a.cpp") + struct.pack("<IIII", line, column, line, column + 5) + text("")
    payload += struct.pack("<B", kind) + text(source) + struct.pack("<B", source_dtype)
    payload += text(target) + struct.pack("<B", target_dtype) + struct.pack("<B", semantics)
    if constant is None:
        payload += b"\x00"
    elif isinstance(constant, float):
        payload += b"\x01" + x87(constant) + text(repr(constant))
    else:
        payload += b"\x02" + struct.pack("<q", constant) + text(str(constant))
    return frame("S", payload)


def unit(errors, first_error, files):
    payload = struct.pack("<I", errors) + text(first_error) + struct.pack("<I", len(files))
    return frame("U", payload + b"".join(text(f) for f in files))


def main():
    os.makedirs(CORPUS, exist_ok=True)
    sites = [site(2, 11, 1, "int", INT32, "float", FLOAT32, constant=16777217),
             site(3, 17, 1, "int", INT32, "int8_t", INT8, constant=300),
             site(4, 5, 2, "double", FLOAT64, "Eigen::half", FLOAT16, semantics=1, constant=2049.0),
             site(5, 5, 3, "float", FLOAT32, "Eigen::half", FLOAT16, semantics=1),
             site(6, 5, 4, "", NO_DTYPE, "DT_HALF", FLOAT16, semantics=1)]
    seeds = {
        "sites": frame("H", text(HELLO)) + b"".join(sites) + unit(0, "", ["/src/a.cpp", "/src/a.h"])
        + frame("Z", struct.pack("<Q", len(sites))),
        "errors": frame("H", text(HELLO)) + unit(2, "/src/a.cpp:1:10: 'Eigen/Core' file not found", ["/src/a.cpp"])
        + frame("Z", struct.pack("<Q", 0)),
        "fatal": frame("H", text(HELLO)) + frame("X", text("error: no such file or directory: '/src/a.cpp'")),
    }
    for name, data in seeds.items():
        with open(os.path.join(CORPUS, name), "wb") as out:
            out.write(data)


if __name__ == "__main__":
    main()
