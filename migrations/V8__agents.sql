-- Keymint schema, version 8: agents. An agent groups keys that share its capabilities (scopes).
--
-- The capabilities are copied into api_keys.scopes of every key of the agent, in the transaction
-- that changes them: the token path keeps reading one api_keys row per key (from memory), and the
-- per-row trigger of V3 announces each changed key, so every instance's cache forgets it and the
-- next token of every key of the agent carries the new capabilities.

create table agents (
    id              text        primary key,            -- agt_ + 22 base62 characters
    organization_id bigint      not null references organizations (id),
    name            text        not null check (length(name) between 1 and 200),
    description     text        check (length(description) <= 1000),
    capabilities    text[]      not null check (cardinality(capabilities) between 1 and 100),
    team            text,                                -- null: available to all teams
    owner           text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create index agents_organization on agents (organization_id, created_at desc, id desc);

-- A deleted agent's keys are revoked first; they keep their history but no longer name the agent.
alter table api_keys add column agent_id text references agents (id) on delete set null;

create index api_keys_agent on api_keys (agent_id) where agent_id is not null;
