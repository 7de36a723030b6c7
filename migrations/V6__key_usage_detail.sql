-- Keymint schema, version 6 (issue 13, edit warnings): per key and hour, which scopes its tokens
-- carried, which addresses obtained them and how many were issued in each minute, so that an edit
-- that narrows a key can say what its callers would lose. Written in batches by each instance
-- (never per token), added to across instances; rows older than two days are deleted.
-- (Version 7 is taken by other work developed alongside.)

-- Tokens issued per key and hour, one row per distinct scope a token carried (a token with three
-- scopes counts once for each). An instance tracks at most 100 distinct scopes per key and hour;
-- tokens past that count in key_usage_detail_hourly.untracked_scope_tokens instead.
create table key_scope_usage_hourly (
    organization_id bigint      not null references organizations (id),
    key_id          text        not null,
    hour            timestamptz not null check (date_trunc('hour', hour) = hour),
    scope           text        not null check (length(scope) between 1 and 512),
    tokens          bigint      not null check (tokens >= 0),
    primary key (key_id, hour, scope)
);

-- Tokens issued per key, hour and client address. At most 100 distinct addresses per key and hour
-- and instance; tokens from further addresses count in untracked_address_tokens.
create table key_address_usage_hourly (
    organization_id bigint      not null references organizations (id),
    key_id          text        not null,
    hour            timestamptz not null check (date_trunc('hour', hour) = hour),
    address         inet        not null,
    tokens          bigint      not null check (tokens >= 0),
    primary key (key_id, hour, address)
);

-- Tokens issued per key in each minute of the hour (element 1 is minute :00), summed over every
-- instance, and the tokens whose scopes or addresses were past an instance's cap.
create table key_usage_detail_hourly (
    organization_id          bigint      not null references organizations (id),
    key_id                   text        not null,
    hour                     timestamptz not null check (date_trunc('hour', hour) = hour),
    tokens_per_minute        bigint[]    not null check (cardinality(tokens_per_minute) = 60),
    untracked_scope_tokens   bigint      not null check (untracked_scope_tokens >= 0),
    untracked_address_tokens bigint      not null check (untracked_address_tokens >= 0),
    primary key (key_id, hour)
);

-- Old rows are deleted by hour, across keys.
create index key_scope_usage_hourly_hour on key_scope_usage_hourly (hour);
create index key_address_usage_hourly_hour on key_address_usage_hourly (hour);
create index key_usage_detail_hourly_hour on key_usage_detail_hourly (hour);

-- What an edit warned of when it was saved anyway (key.update events): [{"code": …, "message": …}].
alter table audit_events add column warnings jsonb;
