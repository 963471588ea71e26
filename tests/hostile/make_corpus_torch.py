#!/usr/bin/python3
"""Writes the hostile PyTorch checkpoints (tests/hostile/corpus_torch/) and
their manifest (tests/hostile/expected_torch.json), for issue 12. Run with
/usr/bin/python3 (python3-torch); deterministic.

Three kinds of case:
- pickles that try to import or call (os.system through GLOBAL + REDUCE, with
  protocol 4's STACK_GLOBAL, through INST and OBJ, builtins.eval, a class whose
  instances are rebuilt with BUILD): each is one DT203 finding naming the
  global, and the tensors beside it are still scanned. The os.system payloads
  would create MARKER: the test asserts that it does not exist afterwards.
- malformed pickles (memo abuse, a huge BINUNICODE, an unknown opcode, bad
  persistent ids, containers nested 2,000 deep): one E901 for the input,
  with the position in data.pkl.
- bad views (a storage offset past the end, strides that walk outside the
  storage, sizes whose product overflows, a negative offset, a missing or
  short storage): one E901 for that tensor, the good tensor of the same file
  still scanned.
A list that contains itself is read (its tensor once) and ends.

manifest: {"unreadable": {file: phrase}, "readable": {file: {"arrays": n[, "skipped": reason]}},
           "refused": {file: phrase}, "marker": MARKER}
"""
import io
import os
import pickle
import struct
import zipfile

import torch

from corpus import Corpus

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = Corpus(os.path.join(HERE, "corpus_torch"))
MARKER = "/tmp/dtlint-hostile-torch-payload-ran"
REFUSED = {}  # file -> the phrase of its one DT203


def record(name, phrase=None, arrays=None, refused=None, skipped=None):
    CORPUS.expect(name, phrase, arrays, skipped)
    if refused is not None:
        REFUSED[name] = refused


def save(name, obj, **kwargs):
    torch.save(obj, CORPUS.path(name), **kwargs)


# --- hand-made pickles ---------------------------------------------------------
def unicode(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def integer(value):
    if 0 <= value < 256:
        return b"K" + bytes([value])
    if -2 ** 31 <= value < 2 ** 31:
        return b"J" + struct.pack("<i", value)
    return b"\x8a\x08" + struct.pack("<q", value)


def ints(values):
    return b"(" + b"".join(integer(v) for v in values) + b"t"


def tensor(key, numel, offset, size, stride, storage_class=b"FloatStorage", persid=None):
    """_rebuild_tensor_v2((storage pid), offset, size, stride, False, OrderedDict())."""
    if persid is None:
        persid = (b"(" + unicode("storage") + b"ctorch\n" + storage_class + b"\n" + unicode(key) +
                  unicode("cpu") + integer(numel) + b"t")
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + persid + b"Q" + integer(offset) + ints(size) +
            ints(stride) + b"\x89ccollections\nOrderedDict\n)Rt" + b"R")


def checkpoint(name, pickle_bytes, storages, prefix="archive", method=zipfile.ZIP_STORED):
    """A torch.save-like zip: prefix/data.pkl, prefix/data/<key>, prefix/version (stored)."""
    def entry(z, entry_name, data):  # a fixed date, so that a rerun writes the same bytes
        info = zipfile.ZipInfo(entry_name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = method
        z.writestr(info, data)

    with zipfile.ZipFile(CORPUS.path(name), "w", zipfile.ZIP_STORED) as z:
        entry(z, prefix + "/data.pkl", pickle_bytes)
        for key, data in storages.items():
            entry(z, prefix + "/data/" + key, data)
        entry(z, prefix + "/version", b"3\n")


GOOD = struct.pack("<6f", 1.0, 2.0, 3.0, 70000.0, 5.0, 6.0)  # data/0: 6 float32


def dict_of(*pairs):
    return b"\x80\x02}(" + b"".join(unicode(k) + v for k, v in pairs) + b"u."


def good_tensor():
    return tensor("0", 6, 0, [2, 3], [3, 1])


# --- code that must never run ----------------------------------------------------
class System:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


class Eval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch %s')" % MARKER,))


class Holder:  # a class outside the allow-list, rebuilt with NEWOBJ + BUILD
    def __init__(self):
        self.weight = torch.tensor([1.0, 2.0])


def main():
    CORPUS.create()
    if os.path.exists(MARKER):
        os.remove(MARKER)

    save("calls_os_system.pt", {"w": torch.ones(3), "payload": System()})
    record("calls_os_system.pt", arrays=1, refused="pickle calls 'posix.system'")
    save("calls_eval.pt", {"w": torch.ones(3), "payload": Eval()})
    record("calls_eval.pt", arrays=1, refused="pickle calls '__builtin__.eval'")  # protocol 2's name
    save("stack_global.pt", {"w": torch.ones(3), "payload": System()}, pickle_protocol=4)
    record("stack_global.pt", arrays=1, refused="pickle calls 'posix.system'")
    save("custom_class.pt", {"w": torch.ones(3), "obj": Holder()})
    record("custom_class.pt", arrays=2, refused="pickle calls '__main__.Holder'")  # obj.weight still read
    checkpoint("inst_opcode.pt", dict_of(("w", good_tensor()), ("x", b"(" + unicode("touch " + MARKER) +
                                                                       b"ios\nsystem\n")), {"0": GOOD})
    record("inst_opcode.pt", arrays=1, refused="pickle calls 'os.system'")
    checkpoint("obj_opcode.pt", dict_of(("w", good_tensor()), ("x", b"(cos\nsystem\n" + unicode("touch " + MARKER) +
                                                                      b"o")), {"0": GOOD})
    record("obj_opcode.pt", arrays=1, refused="pickle calls 'os.system'")
    checkpoint("imports_only.pt", dict_of(("w", good_tensor()), ("f", b"csubprocess\nPopen\n")), {"0": GOOD})
    record("imports_only.pt", arrays=1, refused="pickle imports 'subprocess.Popen'")
    checkpoint("ext_opcode.pt", dict_of(("w", good_tensor()), ("f", b"\x82\x07")), {"0": GOOD})
    record("ext_opcode.pt", arrays=1, refused="pickle imports 'copyreg extension 7'")

    # A dict subclass outside the allow-list (Lightning's AttributeDict): refused, its tensors still read.
    checkpoint("dict_subclass.pt", dict_of(("w", good_tensor()), ("hparams", b"cpytorch_lightning.utilities.parsing\n"
               b"AttributeDict\n)R(" + unicode("inner") + tensor("0", 6, 3, [3], [1]) + b"u")), {"0": GOOD})
    record("dict_subclass.pt", arrays=2, refused="pickle calls 'pytorch_lightning.utilities.parsing.AttributeDict'")

    # --- malformed pickles: the whole input is one E901 -----------------------------
    checkpoint("memo_abuse.pt", dict_of(("w", b"h\xc8")), {"0": GOOD})
    record("memo_abuse.pt", "data.pkl: byte 10: memo index 200 was never stored")
    checkpoint("huge_long_binput.pt", b"\x80\x02}r\xff\xff\xff\xff.", {})
    record("huge_long_binput.pt", "memo index 4294967295 is beyond dtlint's limit")
    checkpoint("huge_unicode.pt", b"\x80\x02}(X\xf0\xff\xff\xff" + b"abc", {})
    record("huge_unicode.pt", "data.pkl: byte 4: BINUNICODE declares 4294967280 bytes, but only 3 remain")
    checkpoint("huge_binbytes.pt", b"\x80\x03}(\x8e" + struct.pack("<Q", 2 ** 63) + b"abc", {})
    record("huge_binbytes.pt", "BINBYTES8 declares 9223372036854775808 bytes, but only 3 remain")
    checkpoint("unknown_opcode.pt", b"\x80\x02}\xfe.", {})
    record("unknown_opcode.pt", "data.pkl: byte 3: unknown pickle opcode 0xfe")
    checkpoint("text_protocol.pt", b"(dp0\n.", {})
    record("text_protocol.pt", "opcode DICT (0x64) is not one torch.load(weights_only=True) accepts")
    short_persid = b"(" + unicode("storage") + b"ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu") + b"t"
    checkpoint("persid_four_fields.pt", dict_of(("w", tensor("0", 6, 0, [6], [1], persid=short_persid))),
               {"0": GOOD})
    record("persid_four_fields.pt", "storage persistent id has 4 fields, expected 5")
    module_persid = b"(" + unicode("module") + unicode("os") + b"t"
    checkpoint("persid_not_storage.pt", dict_of(("w", tensor("0", 6, 0, [6], [1], persid=module_persid))),
               {"0": GOOD})
    record("persid_not_storage.pt", "persistent id is not a storage")
    class_persid = (b"(" + unicode("storage") + b"cos\nsystem\n" + unicode("0") + unicode("cpu") +
                    integer(6) + b"t")
    checkpoint("persid_bad_class.pt", dict_of(("w", tensor("0", 6, 0, [6], [1], persid=class_persid))),
               {"0": GOOD})
    record("persid_bad_class.pt", "as its type, not a storage class")
    deep = 2000
    checkpoint("deep_nesting.pt", b"\x80\x02" + b"]" * deep + b"a" * (deep - 1) + b".", {})
    record("deep_nesting.pt", "containers nested deeper than 512 levels")
    # 40 MiB of EMPTY_LIST, deflated to some 40 KB: 40 million lists would take gigabytes.
    checkpoint("graph_bomb.pt", b"\x80\x02" + b"]" * (40 << 20) + b".", {}, method=zipfile.ZIP_DEFLATED)
    record("graph_bomb.pt", "the pickle's values take more than 128 MiB (dtlint's limit")
    checkpoint("no_stop.pt", b"\x80\x02}", {})
    record("no_stop.pt", "data.pkl: byte 3: the pickle ends without STOP")

    # l = [tensor]; l.append(l): read once, and the walk ends.
    checkpoint("recursive_list.pt", b"\x80\x02}(" + unicode("l") + b"]q\x01" + good_tensor() +
               b"ah\x01au.", {"0": GOOD})
    record("recursive_list.pt", arrays=1)

    # {"a.b": t, "a": {"b": t}, 7: t, (1, "x"): t}: one name twice gets "#2"; other keys as Python prints them.
    checkpoint("duplicate_names.pt", b"\x80\x02}(" + unicode("a.b") + good_tensor() + unicode("a") + b"}(" +
               unicode("b") + good_tensor() + b"u" + integer(7) + good_tensor() + b"(K\x01" + unicode("x") + b"t" +
               good_tensor() + b"u.", {"0": GOOD})
    record("duplicate_names.pt", arrays=4)

    # A dict key of tuples nested 30,000 deep names its tensor without recursing that deep.
    checkpoint("deep_tuple_key.pt", b"\x80\x02}(N" + b"\x85" * 30000 + good_tensor() + b"u.", {"0": GOOD})
    record("deep_tuple_key.pt", arrays=1)

    # --- bad views: one E901 for the tensor, the good one still read ----------------
    def two(name, bad, phrase, storages=None):
        checkpoint(name, dict_of(("good", good_tensor()), ("bad", bad)), storages or {"0": GOOD, "1": GOOD})
        record(name, phrase, arrays=1)

    two("offset_past_end.pt", tensor("1", 6, 100, [2], [1]),
        "size [2], stride [1] from offset 100 reaches element 101, outside its storage 'data/1' of 6 elements")
    two("stride_outside.pt", tensor("1", 6, 0, [3, 3], [3, 1]),
        "size [3, 3], stride [3, 1] from offset 0 reaches element 8, outside its storage 'data/1'")
    two("huge_size.pt", tensor("1", 6, 0, [2 ** 40, 2 ** 40], [1, 1]),
        "size [1099511627776, 1099511627776] has more than 2^64 elements")
    two("huge_stride.pt", tensor("1", 6, 0, [4, 4], [2 ** 62, 2 ** 62]), "reaches past 2^64")
    two("negative_offset.pt", tensor("1", 6, -1, [2], [1]), "storage offset is -1, expected a count of elements >= 0")
    two("negative_size.pt", tensor("1", 6, 0, [-2], [1]), "size holds -2, expected counts >= 0")
    two("missing_storage.pt", tensor("9", 6, 0, [6], [1]), "its storage 'data/9' has no entry 'archive/data/9'")
    two("short_storage.pt", tensor("1", 100, 0, [6], [1]),
        "its storage 'data/1' declares 100 float32 elements, but its entry holds 24 bytes")
    two("storage_twice.pt", tensor("0", 6, 0, [3], [1], storage_class=b"IntStorage"),
        "storage 'data/0' is declared twice, as torch.FloatStorage of 6 elements and as torch.IntStorage")
    two("size_not_tuple.pt", tensor("1", 6, 0, [6], [1]).replace(ints([6]), integer(6), 1),
        "size is an int, not a tuple")

    # One element posing as 2^30 (stride 0), twice: one E901 for both, the good tensor read.
    checkpoint("stride_zero_bomb.pt", dict_of(("good", good_tensor()), ("bomb1", tensor("0", 6, 0, [2 ** 30], [0])),
                                              ("bomb2", tensor("0", 6, 1, [2 ** 30], [0]))), {"0": GOOD})
    record("stride_zero_bomb.pt", "(one storage posing as many tensors) (and 1 later tensor)", arrays=1)

    # Deflated records (torch never writes them; a re-zipped checkpoint does): the pickle and a
    # whole-storage view are inflated; a strided view of a deflated storage is one E901.
    checkpoint("deflated.pt", dict_of(("whole", tensor("0", 6, 0, [6], [1])), ("strided", tensor("0", 6, 0, [3, 2], [1, 3]))),
               {"0": GOOD}, method=zipfile.ZIP_DEFLATED)
    record("deflated.pt", "a view (size [3, 2], stride [1, 3] from offset 0) of the deflated storage 'data/0'", arrays=1)

    # --- not checkpoints torch.load reads today ----------------------------------------
    save("legacy_format.pt", {"w": torch.ones(2)}, _use_new_zipfile_serialization=False)
    record("legacy_format.pt", arrays=0, skipped="legacy PyTorch format (before 1.6); re-save with "
           "torch.save(obj, path) from PyTorch >= 1.6 to let dtlint read it")
    with open(CORPUS.path("plain_pickle.pt"), "wb") as fh:
        pickle.dump({"w": [1.0, 2.0]}, fh, protocol=2)
    record("plain_pickle.pt", arrays=0, skipped="a plain Python pickle, not a torch.save zip archive; dtlint "
           "never unpickles it")

    assert not os.path.exists(MARKER)
    CORPUS.write_expected(os.path.join(HERE, "expected_torch.json"), refused=REFUSED, marker=MARKER)


if __name__ == "__main__":
    main()
