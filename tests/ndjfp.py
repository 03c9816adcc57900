"""The fingerprint of a log as the cursor file keeps it (DESIGN.md §3): the
XXH3-64 of its first line (at most 4096 bytes, newline included), in hex.
For Python test code: sys.path.insert(0, os.environ["TESTS_DIR"])."""
import ctypes

_xxh = ctypes.CDLL("libxxhash.so.0")
_xxh.XXH3_64bits.restype = ctypes.c_uint64
_xxh.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def fp(data):
    first = data[:data.index(b"\n") + 1][:4096]
    return "%016x" % _xxh.XXH3_64bits(first, len(first))
