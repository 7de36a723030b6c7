-- Keymint schema, version 10: keys imported from a platform moving to Keymint. Such a key keeps the
-- client id and the secret its caller already holds; Keymint receives only the SHA-256 digest of the
-- secret, which fits secret_hash as a native key's does. An imported secret has no Keymint format
-- (no kmk_ prefix, no checksum), so the row says the key is imported, and which prefix its secrets
-- start with, shown in place of kmk_ when the key is listed. A new row needs no change announcement
-- (migration V3): no instance holds a key it has never read.

alter table api_keys
    add column imported   boolean not null default false,
    add column key_prefix text check (key_prefix is null or (imported and length(key_prefix) between 1 and 32));
