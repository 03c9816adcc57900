"""Helpers for the Python parts of tests/scripts (import with
sys.path.insert(0, os.environ["TESTS_DIR"])): the fingerprint of a log as
the cursor file keeps it, and the append protocol ndj-prune documents."""
import ctypes
import fcntl
import os

_xxh = ctypes.CDLL("libxxhash.so.0")
_xxh.XXH3_64bits.restype = ctypes.c_uint64
_xxh.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def fp(data):
    """XXH3-64 of the first line (at most 4096 bytes, newline included), in
    hex (DESIGN.md §3)."""
    first = data[:data.index(b"\n") + 1][:4096]
    return "%016x" % _xxh.XXH3_64bits(first, len(first))


def append_locked(f, path, data):
    """Appends `data` to the log at `path` through `f` (opened "ab"): flock
    it, and reopen when the path names another file once locked (a prune
    renamed a new one over it). Returns the file object to use next."""
    while True:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            if os.stat(path).st_ino == os.fstat(f.fileno()).st_ino:
                f.write(data)
                f.flush()
                return f
        except FileNotFoundError:
            pass
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
        f.close()
        f = open(path, "ab")
