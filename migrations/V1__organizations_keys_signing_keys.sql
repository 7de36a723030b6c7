-- Keymint schema, version 1: organizations, their API keys, and the server's signing keys.
-- PostgreSQL only; this folder is the one source of the schema (packaged as db/migration).

create table organizations (
    id          bigint generated always as identity primary key,
    slug        text        not null unique
                            check (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    name        text        not null check (length(name) between 1 and 200),
    created_at  timestamptz not null default now()
);

-- One row per API key. The secret is never stored: only its SHA-256 digest.
-- "expired" is not a stored status: it is computed from expires_at at request time.
create table api_keys (
    id               text        primary key,          -- public id, the OAuth client_id
    organization_id  bigint      not null references organizations (id),
    name             text        not null check (length(name) between 1 and 200),
    secret_hash      bytea       not null check (length(secret_hash) = 32),
    scopes           text[]      not null,
    status           text        not null default 'active'
                                 check (status in ('active', 'disabled', 'revoked')),
    team             text,
    owner            text,
    expires_at       timestamptz,
    created_at       timestamptz not null default now(),
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    check ((status = 'revoked') = (revoked_at is not null))
);

create index api_keys_organization_status on api_keys (organization_id, status);

-- Signing keys shared by every instance. The private key is AES-GCM encrypted under the
-- master key with the kid as associated data; the public JWK is stored in clear.
create table signing_keys (
    kid                    text        primary key,
    algorithm              text        not null,
    state                  text        not null check (state in ('next', 'current', 'retired')),
    public_jwk             text        not null,
    private_key_ciphertext bytea       not null,
    created_at             timestamptz not null default now(),
    activated_at           timestamptz,
    retired_at             timestamptz
);

-- At most one key signs at any time.
create unique index signing_keys_one_current on signing_keys (state) where state = 'current';
