#!/usr/bin/env python3
"""Seeds API keys for bench/scale.sh, fast: writes COPY rows instead of calling the admin API.

    bench/scale-keys.py KEYS SPREAD ORGANIZATION_ID COPY_FILE HEADERS_FILE

COPY_FILE: KEYS rows for `\\copy api_keys (id, organization_id, name, secret_hash, scopes)`, each a
well-formed Keymint key (ApiKeyFormat: kmk_ + 16-char id + _ + 32-char secret + CRC-32 checksum in
base 62) stored as its SHA-256, as the server stores it. HEADERS_FILE: the `Authorization: Basic`
values of SPREAD of them (all when KEYS is smaller), spread evenly over the table and shuffled with a
fixed seed, most popular first: bench/token.lua draws from them with a Zipf-like popularity.
Keys are a function of their number, so the same KEYS always gives the same keys.
"""
import base64
import hashlib
import random
import sys
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def checksum(body):
    value = zlib.crc32(body.encode("ascii"))
    out = []
    for _ in range(6):
        out.append(BASE62[value % 62])
        value //= 62
    return "".join(reversed(out))


def key(n):
    key_id = "scale%011d" % n
    body = "kmk_%s_%s" % (key_id, "s%031d" % n)
    return key_id, body + checksum(body)


def main():
    keys, spread, organization, copy_file, headers_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    with open(copy_file, "w") as rows:
        for n in range(keys):
            key_id, api_key = key(n)
            digest = hashlib.sha256(api_key.encode("ascii")).hexdigest()
            rows.write("%s\t%s\tscale\t\\\\x%s\t{read:x/**}\n" % (key_id, organization, digest))
    used = min(spread, keys)
    chosen = [n * keys // used for n in range(used)]
    random.Random(16).shuffle(chosen)
    with open(headers_file, "w") as headers:
        for n in chosen:
            key_id, api_key = key(n)
            headers.write("Basic %s\n" % base64.b64encode(("%s:%s" % (key_id, api_key)).encode("ascii")).decode("ascii"))


if __name__ == "__main__":
    main()
