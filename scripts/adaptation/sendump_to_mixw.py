#!/usr/bin/env python3
"""Expands a PocketSphinx 'sendump' (8-bit quantised mixture weights) into a SphinxTrain 'mixture_weights' file.

Debian's en-us model ships only the quantised sendump, which is all the decoder needs; SphinxTrain's bw (the
statistics pass of MLLR adaptation) reads mixture_weights. The file layout follows PocketSphinx's ptm_mgau.c
(read_sendump) and SphinxTrain's s3 binary parameter format.
Usage: sendump_to_mixw.py SENDUMP MIXTURE_WEIGHTS
"""
import array
import struct
import sys


def read_sendump(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    order = "<"

    def u32():
        nonlocal pos, order
        (n,) = struct.unpack_from(order + "I", data, pos)
        if n > 65536 and order == "<":
            order = ">"
            (n,) = struct.unpack_from(order + "I", data, pos)
        pos += 4
        return n

    def string():
        nonlocal pos
        n = u32()
        if n == 0:
            return None
        s = data[pos:pos + n - 1].decode("ascii")
        pos += n
        return s

    header = {"mixw_shift": 10, "cluster_count": 0}
    string()  # title
    while (line := string()) is not None:
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            header[key] = int(value)
    if header["cluster_count"] != 0:
        sys.exit("clustered sendump files are not supported")
    densities = u32()  # "model_count": codewords per feature stream
    senones = u32()    # "mixture_count"
    features = header["feature_count"]
    shift = header["mixw_shift"]
    # Stored feature-major, then density, one byte per senone: -log(w) in base 1.0001, shifted down.
    weights = array.array("f", bytes(4 * senones * features * densities))
    for feat in range(features):
        for density in range(densities):
            row = data[pos:pos + senones]
            pos += senones
            for senone, b in enumerate(row):
                weights[(senone * features + feat) * densities + density] = 1.0001 ** -(b << shift)
    return senones, features, densities, weights


def write_mixw(path, senones, features, densities, weights):
    with open(path, "wb") as f:
        head = b"s3\nversion 1.0\n"
        pad = (4 - (len(head) + len(b"endhdr\n")) % 4) % 4
        f.write(head + b" " * pad + b"endhdr\n")
        f.write(struct.pack("=i", 0x11223344))
        f.write(struct.pack("=IIII", senones, features, densities, senones * features * densities))
        weights.tofile(f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    s, ft, d, w = read_sendump(sys.argv[1])
    write_mixw(sys.argv[2], s, ft, d, w)
    print(f"{s} senones x {ft} streams x {d} densities -> {sys.argv[2]}")
