#!/usr/bin/env python3
"""Seeds API keys for bench/scale.sh, fast: writes COPY rows instead of calling the admin API.

    bench/scale-keys.py KEYS SPREAD REVOKED_PERCENT ORGANIZATION_ID COPY_FILE HEADERS_FILE

COPY_FILE: KEYS rows for `\\copy api_keys (id, organization_id, name, secret_hash, scopes, status,
revoked_at)`, each a well-formed Keymint key (ApiKeyFormat: kmk_ + 16-char id + _ + 32-char secret +
CRC-32 checksum in base 62) stored as its SHA-256, as the server stores it; and REVOKED_PERCENT % as
many revoked keys among them, each after a key drawn at random (fixed seed). Rows take their status
list entries in COPY order, so the revoked entries lie scattered over the list, as keys revoked over
the years do, not in one run at its end (which compresses to almost nothing and would make re-signing
the list look cheaper than it is). HEADERS_FILE: the `Authorization: Basic`
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
    keys, spread, revoked_percent = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    organization, copy_file, headers_file = sys.argv[4], sys.argv[5], sys.argv[6]
    revoked_after = set(random.Random(17).sample(range(keys), int(keys * revoked_percent / 100)))
    with open(copy_file, "w") as rows:
        for n in range(keys):
            key_id, api_key = key(n)
            digest = hashlib.sha256(api_key.encode("ascii")).hexdigest()
            rows.write("%s\t%s\tscale\t\\\\x%s\t{read:x/**}\tactive\t\\N\n" % (key_id, organization, digest))
            if n in revoked_after:
                digest = hashlib.sha256(("revoked%d" % n).encode("ascii")).hexdigest()
                rows.write("revok%011d\t%s\trevoked\t\\\\x%s\t{read:x/**}\trevoked\t2026-01-01 00:00:00+00\n"
                           % (n, organization, digest))
    used = min(spread, keys)
    chosen = [n * keys // used for n in range(used)]
    random.Random(16).shuffle(chosen)
    with open(headers_file, "w") as headers:
        for n in chosen:
            key_id, api_key = key(n)
            headers.write("Basic %s\n" % base64.b64encode(("%s:%s" % (key_id, api_key)).encode("ascii")).decode("ascii"))


if __name__ == "__main__":
    main()
