"""Times native zxing-cpp (Debian's python3-zxing-cpp) on grey frames, for
`make bench`: the peer the reader's per-frame times are set beside.
Benchmark only.

argv: formats ("QRCode|Code128"), repetitions. stdin: one frame a line,
"path<TAB>width<TAB>height" of raw 8-bit grey. stdout: the time of each
call in nanoseconds, one a line, after one untimed pass.
"""
import sys
import time

import numpy
import zxingcpp

formats = zxingcpp.barcode_formats_from_str(sys.argv[1].replace("|", ","))
reps = int(sys.argv[2])
frames = []
for line in sys.stdin.read().splitlines():
    path, w, h = line.split("\t")
    with open(path, "rb") as f:
        frames.append(numpy.frombuffer(f.read(), dtype=numpy.uint8).reshape(int(h), int(w)))
for f in frames:
    zxingcpp.read_barcode(f, formats=formats)
out = []
for _ in range(reps):
    for f in frames:
        t = time.perf_counter_ns()
        zxingcpp.read_barcode(f, formats=formats)
        out.append(time.perf_counter_ns() - t)
print("\n".join(str(t) for t in out))
