#!/usr/bin/env python3
"""Writes the seed corpora of the extract/ fuzzers (stdlib only; deterministic).

Usage: python3 tests/extract/fuzz/make_corpus.py   (from the repository root)
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(folder, name, data):
    os.makedirs(os.path.join(HERE, "corpus", folder), exist_ok=True)
    with open(os.path.join(HERE, "corpus", folder, name), "wb") as f:
        f.write(data)


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


write("safetensors", "two_f32.safetensors",
      safetensors([("a.weight", "F32", [2, 2], struct.pack("<4f", 1, -2, 3.5, 0)),
                   ("a.bias", "F32", [2], struct.pack("<2f", 0.25, -1))], {"format": "pt"}))
write("safetensors", "halves.safetensors",
      safetensors([("h", "F16", [3], struct.pack("<3H", 0x3C00, 0xC000, 0x7BFF)),
                   ("b", "BF16", [1, 2], struct.pack("<2H", 0x3F80, 0xBF80)),
                   ("d", "F64", [1], struct.pack("<d", 3.0))]))
write("safetensors", "empty.safetensors", safetensors([]))
write("safetensors", "scalar_and_zero.safetensors",
      safetensors([("s", "F32", [], struct.pack("<f", 7)), ("z", "F32", [0, 3], b"")]))


def tokenizer(pieces, max_len=8):
    out = struct.pack("<i", max_len)
    for piece, score in pieces:
        out += struct.pack("<fi", score, len(piece)) + piece
    return out


base = [(b"<unk>", 0.0), (b"\n<s>\n", 0.0), (b"\n</s>\n", 0.0)]
base += [(b"<0x%02X>" % b, 0.0) for b in range(256)]
write("llama2c_tokenizer", "bytes_and_merges.bin",
      tokenizer(base + [(b" ", -1.0), (b"a", -2.0), (b"b", -3.0), (b" a", -4.0), (b"ab", -5.0), (b" ab", -6.0),
                        (b"\xc3\xa9", -7.0)]) + b"")
write("llama2c_tokenizer", "tiny.bin", tokenizer([(b"<unk>", 0.0), (b"x", 1.0), (b"y", 2.0), (b"xy", 3.0)], 2))


def checkpoint(dim, hidden, layers, heads, kv, vocab, seq):
    hs = dim // heads
    kvd = hs * kv
    n = (abs(vocab) * dim + layers * dim + layers * dim * dim + 2 * layers * dim * kvd + layers * dim * dim
         + layers * dim + 3 * layers * hidden * dim + dim + 2 * seq * (hs // 2) + (abs(vocab) * dim if vocab < 0 else 0))
    return struct.pack("<7i", dim, hidden, layers, heads, kv, vocab, seq) + struct.pack("<%df" % n, *([0.5] * n))


write("llama2c_checkpoint", "shared.bin", checkpoint(4, 6, 1, 2, 1, 5, 3))
write("llama2c_checkpoint", "unshared.bin", checkpoint(4, 6, 2, 2, 2, -5, 2))


write("gpt2_tokenizer", "ascii.txt", b"Hello world's  test 123!!\n")
write("gpt2_tokenizer", "unicode.txt", "caf\u00e9 na\u00efve \U0001F600 \u0663\u0664\n\n end\t".encode())
write("gpt2_tokenizer", "merges.txt", b"the in the  thin\r\n")

# hf_config: gpt2_config.json and llama_config.json are copies of ../golden/*_tiny/config.json.
write("hf_config", "index.json",
      b'{"metadata":{"total_size":8},"weight_map":{"a":"model-00001-of-00002.safetensors",'
      b'"b":"model-00002-of-00002.safetensors"}}\n')
