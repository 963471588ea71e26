"""What every hostile-corpus generator keeps (tests/hostile/make_corpus*.py):
the folder of files and, per file, the outcome the scan must give, written as
the expected-outcomes JSON that tests/hostile_test.cpp checks:

    {"unreadable": {file: phrase of its one E901},
     "readable": {file: {"arrays": n[, "skipped": reason of its DT204]}}, ...}
"""
import json
import os
import shutil


class Corpus:
    def __init__(self, folder):
        self.folder = folder
        self.unreadable = {}
        self.readable = {}

    def create(self):
        """Makes the folder anew, empty."""
        shutil.rmtree(self.folder, ignore_errors=True)
        os.makedirs(self.folder)

    def path(self, name):
        return os.path.join(self.folder, name)

    def expect(self, name, phrase=None, arrays=None, skipped=None):
        """`name`'s one E901 contains `phrase`; it yields `arrays` arrays (and
        the DT204 note `skipped`)."""
        if phrase is not None:
            self.unreadable[name] = phrase
        if arrays is not None:
            self.readable[name] = {"arrays": arrays}
            if skipped is not None:
                self.readable[name]["skipped"] = skipped

    def put(self, name, data, phrase=None, arrays=None, skipped=None):
        """Writes the file `name` holding `data`, expecting what `expect` says."""
        with open(self.path(name), "wb") as fh:
            fh.write(data)
        self.expect(name, phrase, arrays, skipped)

    def write_expected(self, path, **more):
        """The expectations (and `more` top-level keys) as sorted, indented JSON."""
        with open(path, "w") as fh:
            json.dump({"unreadable": self.unreadable, "readable": self.readable, **more}, fh, indent=2,
                      sort_keys=True)
            fh.write("\n")
