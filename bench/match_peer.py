#!/usr/bin/env python3
"""match_peer.py NAMES LOG - what a CERT would write in Python instead of tix
match: the domain indicators in a set, each BIND query log line's name
(after "query: ") and its parents (down to two labels) looked up in it.

Prints one line: LINES MATCHING_LINES LOAD_SECONDS MATCH_SECONDS.
Bytes throughout (no decoding), names folded to lower case, a trailing dot
dropped. Only names are checked, not the client addresses tix also checks.
"""
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: match_peer.py NAMES LOG")
    t0 = time.perf_counter()
    with open(sys.argv[1], "rb") as f:
        names = {line.strip().lower() for line in f if line.strip()}
    t1 = time.perf_counter()
    lines = matching = 0
    with open(sys.argv[2], "rb") as f:
        for line in f:
            lines += 1
            i = line.find(b"query: ")
            if i < 0:
                continue
            j = line.find(b" ", i + 7)
            name = line[i + 7 : j if j >= 0 else len(line)].rstrip(b"\r\n").lower()
            if name.endswith(b"."):
                name = name[:-1]
            while name.count(b".") >= 1:
                if name in names:
                    matching += 1
                    break
                name = name[name.index(b".") + 1 :]
    t2 = time.perf_counter()
    print(lines, matching, f"{t1 - t0:.3f}", f"{t2 - t1:.3f}")


if __name__ == "__main__":
    main()
