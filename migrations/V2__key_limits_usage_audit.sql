-- Keymint schema, version 2: key restrictions and limits, usage counts, limiter counters and the
-- append-only audit trail of the admin API.

alter table api_keys
    add column allowed_cidrs         cidr[],                                   -- null: from anywhere
    add column rate_limit_per_minute integer check (rate_limit_per_minute between 1 and 1000000),
    add column quota_limit           bigint  check (quota_limit between 1 and 1000000000),
    add column quota_period          text    check (quota_period in ('day', 'week', 'month')),
    add check ((quota_limit is null) = (quota_period is null)),
    add check (cardinality(scopes) between 1 and 100),
    add check (team is null or length(team) between 1 and 200),
    add check (owner is null or length(owner) between 1 and 200),
    add check (allowed_cidrs is null or cardinality(allowed_cidrs) between 1 and 100);

-- Keyset pagination of an organization's keys: newest first, id breaks ties.
create index api_keys_organization_created on api_keys (organization_id, created_at desc, id desc);

-- Token-endpoint outcomes per key and hour: 'issued' or a rejection reason. Written in batches
-- (never per token); rows survive the deletion of their key so organization totals stay right.
create table usage_hourly (
    organization_id bigint      not null references organizations (id),
    key_id          text        not null,
    hour            timestamptz not null check (date_trunc('hour', hour) = hour),
    outcome         text        not null check (outcome in ('issued', 'wrong_secret', 'disabled', 'revoked',
                                        'expired', 'cidr', 'rate_limited', 'quota_exceeded', 'invalid_scope')),
    count           bigint      not null check (count >= 0),
    primary key (key_id, hour, outcome)
);

create index usage_hourly_organization on usage_hourly (organization_id, hour);

-- Counters shared by all instances for rate limits and quotas. kind 'rate': bucket is an epoch
-- second (a rolling 60-second window sums 60 buckets); kind 'quota': bucket is the epoch second
-- at which the quota period started. Old rate buckets are deleted by the instances.
create table limit_counters (
    key_id text   not null,
    kind   text   not null check (kind in ('rate', 'quota')),
    bucket bigint not null,
    count  bigint not null check (count >= 0),
    primary key (key_id, kind, bucket)
);

-- Every change made through the admin API. Append-only: updates and deletes raise.
create table audit_events (
    id              bigint      generated always as identity primary key,
    organization_id bigint      not null references organizations (id),
    actor_key_id    text        not null,
    action          text        not null,
    target          text        not null,
    client_address  text,
    before          jsonb,
    after           jsonb,
    created_at      timestamptz not null default now()
);

create index audit_events_organization on audit_events (organization_id, id desc);

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_events is append-only: % refused', tg_op;
end;
$$;

create trigger audit_events_append_only
    before update or delete or truncate on audit_events
    for each statement execute function audit_events_append_only();
