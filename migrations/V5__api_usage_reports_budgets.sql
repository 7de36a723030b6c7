-- Keymint schema, version 5 (issue 12): API requests that resource servers report back, per-key
-- API request limits carried in tokens, and budgets on reported usage. Numbered 5 because version 4
-- (Token Status List indexes) is developed alongside; Flyway applies whichever exist in order.

alter table api_keys
    -- API requests allowed in any rolling 60 s, enforced by the resource servers (token claim).
    add column api_requests_per_minute integer check (api_requests_per_minute between 1 and 1000000),
    -- Budgets on reported usage, each with a reset period ('none': never resets on its own).
    add column request_budget          bigint  check (request_budget between 1 and 1000000000000),
    add column request_budget_period   text    check (request_budget_period in ('day', 'week', 'month', 'none')),
    add column cost_budget             bigint  check (cost_budget between 1 and 1000000000000000),
    add column cost_budget_period      text    check (cost_budget_period in ('day', 'week', 'month', 'none')),
    -- Set when reports show a budget spent: the end of that budget's period (9999-12-31T23:59:59Z for 'none').
    -- The key is refused while now() < over_budget_until; the reset needs no write. A change of
    -- this column is announced like any other (V3's trigger), so every instance's memory sees it.
    add column over_budget_until       timestamptz,
    add check ((request_budget is null) = (request_budget_period is null)),
    add check ((cost_budget is null) = (cost_budget_period is null));

-- Finds the keys whose spent budget has just reset (the status lists re-read them), without a scan.
create index api_keys_over_budget_until on api_keys (over_budget_until) where over_budget_until is not null;

-- Reported API requests per key and hour (the hour of receipt), added to in one statement per
-- report. Like usage_hourly, rows survive their key so organization totals stay right.
create table api_usage_hourly (
    organization_id bigint      not null references organizations (id),
    key_id          text        not null,
    hour            timestamptz not null check (date_trunc('hour', hour) = hour),
    allowed         bigint      not null check (allowed >= 0),
    refused_scope   bigint      not null check (refused_scope >= 0),
    refused_rate    bigint      not null check (refused_rate >= 0),
    cost            bigint      not null check (cost >= 0),
    primary key (key_id, hour)
);

create index api_usage_hourly_organization on api_usage_hourly (organization_id, hour);

-- The batches each reporter key has had booked, so a retried batch is never counted twice. The row
-- is written in the transaction that books the counts; rows older than 8 days are deleted.
create table usage_report_batches (
    reporter_key_id text        not null,
    batch_id        text        not null check (batch_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    received_at     timestamptz not null default now(),
    accepted        integer     not null,
    ignored         integer     not null,
    primary key (reporter_key_id, batch_id)
);

create index usage_report_batches_received on usage_report_batches (received_at);
