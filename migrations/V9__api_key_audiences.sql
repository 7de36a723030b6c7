-- The resources (RFC 8707 resource indicators, absolute URIs) a key's tokens may address. Empty:
-- the key's tokens carry the server's default audience (keymint.tokens.audience) only.
-- The bounds match the admin API's (20 entries of at most 500 characters).
alter table api_keys
    add column audiences text[] not null default '{}'
        check (cardinality(audiences) <= 20 and array_position(audiences, null) is null);
