-- Keymint schema, version 7: rerolling a key (a new secret, same id, scopes, limits and history)
-- with a grace period during which the previous secret still works.
--
-- At most one previous secret is kept, as its SHA-256 digest like secret_hash: a second reroll
-- replaces it. It stays after its grace has ended, so that the token endpoint can tell a caller
-- still presenting it that the secret was replaced, rather than only "wrong key".
-- Both columns are read by the token path: the change trigger of V3 announces them to every
-- instance like any other column.
alter table api_keys
    add column previous_secret_hash       bytea,
    add column previous_secret_expires_at timestamptz,
    add constraint api_keys_previous_secret_complete
        check ((previous_secret_hash is null) = (previous_secret_expires_at is null));
