#!/usr/bin/env python3
"""Writes an etcd snapshot in the plain layout for the benchmarks: the bbolt header of the real sample snapshot,
random pages up to SIZE_MIB MiB, and the SHA-256 trailer, so rke-backup's structure check passes on it.
Usage: make-bench-snapshot.py SAMPLE_ZIP OUT SIZE_MIB"""
import hashlib
import os
import sys
import zipfile

db = zipfile.ZipFile(sys.argv[1]).read("/backup/demo-snapshot")[:-32]  # the real snapshot without its trailer
size = int(sys.argv[3]) << 20
h = hashlib.sha256()
with open(sys.argv[2], "wb") as f:
    f.write(db)
    h.update(db)
    left = size - len(db)
    while left > 0:
        chunk = os.urandom(min(left, 1 << 22))
        f.write(chunk)
        h.update(chunk)
        left -= len(chunk)
    f.write(h.digest())
