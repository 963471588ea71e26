#!/usr/bin/python3
"""Writes the second hostile-input corpus (tests/hostile/corpus2/) and its
manifest (tests/hostile/expected2.json), for issue 11 (hostile inputs,
round two). Run with /usr/bin/python3 (standard library only); deterministic.

Its theme is what a report may say about an input. Every case hides a
"secret" (a recognisable token) where a reader's message used to quote the
file: in place of a magic number, as a header key, a word, a dimension, a
descr, a safetensors dtype, literal, number or padding, a zip member's
content. The test scans the folder and checks that each bad file gets one
E901 containing its specific phrase (what was expected, never what was
found), that the good arrays are still reported, and that no secret appears
anywhere in the report, in any format.

The other classes of issue 11 cannot be files in a repository and are tested
in C++ (tests/hostile_io_test.cpp): a mapped file that shrinks during the
scan, a sparse file declaring 100 GB, names that are not UTF-8 (not every
file system stores them) and paths longer than PATH_MAX. The one that can,
a file declaring far more data than it holds, is here as npy_declares_100g.npy.

manifest: {"unreadable": {file: phrase}, "readable": {file: {"arrays": n}},
           "secrets": [token, ...]}
"""
import os
import struct
import zipfile

from corpus import Corpus

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = Corpus(os.path.join(HERE, "corpus2"))
put = CORPUS.put
SECRETS = []     # tokens that must appear nowhere in any report


def secret(token):
    SECRETS.append(token)
    return token


def npy(header_dict, data=b"", major=1):
    """A .npy file: magic, version, header length, the dict (text or bytes) padded to 64 bytes."""
    text = header_dict if isinstance(header_dict, bytes) else header_dict.encode("latin-1")
    length_bytes = 2 if major == 1 else 4
    text += b" " * (-(6 + 2 + length_bytes + len(text) + 1) % 64) + b"\n"
    length = struct.pack("<H" if major == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes([major, 0]) + length + text + data


def good_npy(values=(1.0, 2.0, 3.0)):
    return npy("{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }" % len(values),
               struct.pack("<%dd" % len(values), *values))


def safetensors(header_text, data=b""):
    raw = header_text.encode("utf-8") if isinstance(header_text, str) else header_text
    return struct.pack("<Q", len(raw)) + raw + data


def zip_of(members):
    """A stored zip archive (np.savez layout) of (name, bytes) members, fixed timestamps."""
    path = CORPUS.path(".tmp.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    with open(path, "rb") as fh:
        data = fh.read()
    os.remove(path)
    return data


def unrecognised_files():
    """Files that are no array at all, under array names: the magic or the
    length field is where a reader meets the secret."""
    # Each begins with its secret: the first bytes are what a magic check meets,
    # and a safetensors reader takes them for the length field (so their value
    # as a number is a secret too).
    shadow = ("%s:$6$salt$hash:20000:0:99999:7:::\nroot:*:20000:0:99999:7:::\n" % secret("mallory1")).encode()
    secret(str(struct.unpack("<Q", shadow[:8])[0]))
    put("shadow_as.npy", shadow, "not a .npy file: it does not start with the \\x93NUMPY magic")
    put("shadow_as.npz", shadow, "not a zip archive")
    put("shadow_as.safetensors", shadow,
        "the header length field declares more than the 100000000-byte cap")
    key = ("%s\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
           % secret("AKIAIOSFODNN7EXAMPLE")).encode()
    secret(str(struct.unpack("<Q", key[:8])[0]))
    put("key_as.npy", key, "does not start with the \\x93NUMPY magic")
    put("key_as.safetensors", key, "the header length field declares more than")
    # Eight bytes that, read as the length field, fit the cap: the header is
    # then the secret itself, which must not be echoed either.
    put("token_after_length.safetensors", struct.pack("<Q", 20) + secret("ghp_TOKENVALUE1234567").encode(),
        "header does not start with '{' (expected a JSON object)")


def npy_headers():
    """Valid .npy magic, then a header with the secret in one field."""
    put("npy_secret_descr.npy",
        npy("{'descr': '%s', 'fortran_order': False, 'shape': (1,), }" % secret("hunter2pass"), b"\0" * 8),
        "unsupported dtype (not a type code dtlint reads")
    put("npy_secret_key.npy",
        npy("{'%s': 1, 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" % secret("apikey_ZX81")),
        "unknown key at header byte 1 (expected 'descr', 'fortran_order' and 'shape')")
    put("npy_secret_word.npy",
        npy("{'descr': '<f8', 'fortran_order': %s, 'shape': (1,), }" % secret("SesameOpen"), b"\0" * 8),
        "'fortran_order' must be True or False, but found another word at header byte 34")
    put("npy_secret_dimension.npy",
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (%s,), }" % secret("xoxb_slack_token"), b"\0" * 8),
        "expected a non-negative integer dimension in 'shape', but found a letter at header byte 51")
    put("npy_secret_number.npy",
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (%sx,), }" % secret("4111111111111111"), b"\0" * 8),
        "is not a decimal integer")
    put("npy_secret_after_dict.npy",
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }%s" % secret("trailing_pw_42"), b"\0" * 8),
        "expected nothing but whitespace after the closing '}', but found a letter")
    put("npy_secret_not_utf8.npy",
        npy(b"{'descr': '\xff" + secret("latin1pw").encode() + b"', 'fortran_order': False, 'shape': (1,), }",
            b"\0" * 8, major=3),
        "version 3.0 header is not valid UTF-8 (at header byte 11)")
    put("npy_declares_100g.npy",
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (13421772800,), }", b"\0" * 64),
        "truncated: header declares 107374182400 data bytes, 64 present")


def safetensors_headers():
    """Valid length field, then JSON with the secret in one value."""
    def tensor(dtype="F64", shape="[1]", offsets="[0,8]"):
        return '"dtype":"%s","shape":%s,"data_offsets":%s' % (dtype, shape, offsets)

    put("st_secret_dtype.safetensors", safetensors('{"w":{%s}}' % tensor(dtype=secret("PASSWD_F64")), b"\0" * 8),
        "tensor 'w' has an unknown dtype (not a safetensors dtype")
    put("st_secret_literal.safetensors", safetensors('{"w":%s}' % secret("zsecretliteral"), b"\0" * 8),
        "invalid JSON near header byte 5")
    put("st_secret_negative.safetensors", safetensors('{"w":{%s}}' % tensor(shape="[-%s]" % secret("31337271828")),
                                                      b"\0" * 8),
        "a dimension in 'shape' of tensor 'w' is negative")
    put("st_secret_fraction.safetensors",
        safetensors('{"w":{%s}}' % tensor(offsets="[0,%s]" % secret("8.0271828182")), b"\0" * 8),
        "an offset in 'data_offsets' of tensor 'w' is not an integer")
    put("st_secret_huge.safetensors",
        safetensors('{"w":{%s}}' % tensor(shape="[%s]" % secret("98765432109876543210987")), b"\0" * 8),
        "a dimension in 'shape' of tensor 'w' does not fit in 64 bits")
    put("st_secret_padding.safetensors", safetensors('{}' + secret("padpassword9"), b""),
        "unexpected byte at header byte 2 after the closing '}'")
    put("st_secret_start.safetensors", safetensors(secret("Zstartsecret") + '{}', b""),
        "header does not start with '{' (expected a JSON object)")
    put("st_secret_not_utf8.safetensors",
        safetensors(b'{"w\xfe' + secret("utfpass77").encode() + b'":{}}', b""),
        "header is not valid UTF-8 (at header byte 3)")
    put("st_secret_metadata_number.safetensors",
        safetensors('{"__metadata__":{"k":-%s}}' % secret("2718281828459")),
        "'__metadata__' must map strings to strings, but the value of 'k' is a negative number")


def containers():
    """Archives: a good member survives beside a member whose content is a secret."""
    put("npz_secret_member.npz",
        zip_of([("good.npy", good_npy()), ("bad.npy", ("%s=1\n" % secret("DB_PASSWORD_Q7")).encode())]),
        "member 'bad.npy': not a .npy file: it does not start with the \\x93NUMPY magic", arrays=1)
    put("good.npy", good_npy((1.0, 70000.0)), arrays=1)


def main():
    CORPUS.create()
    unrecognised_files()
    npy_headers()
    safetensors_headers()
    containers()
    CORPUS.write_expected(os.path.join(HERE, "expected2.json"), secrets=SECRETS)
    names = os.listdir(CORPUS.folder)
    print("%d files, %d bytes" % (len(names), sum(os.path.getsize(CORPUS.path(f)) for f in names)))


if __name__ == "__main__":
    main()
