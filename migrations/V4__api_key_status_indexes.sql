-- Keymint schema, version 4: every API key has a status index, its entry in the Token Status Lists
-- that verifiers fetch (see docs/revocation.md). Every token of a key carries the key's index.
--
-- An index is never given to another key: it comes from a sequence, and a deleted key's index is
-- kept in retired_status_indexes, where it reads INVALID for good. Statuses themselves are not
-- stored: each instance derives them from api_keys (status, expires_at) and retired_status_indexes.

create sequence api_key_status_index as bigint minvalue 0 start with 0;

alter table api_keys add column status_index bigint;

-- Existing keys, oldest first.
with ordered as (
    select id, row_number() over (order by created_at, id) - 1 as position from api_keys
)
update api_keys k set status_index = o.position from ordered o where k.id = o.id;

select setval('api_key_status_index', (select count(*) from api_keys), false);

alter table api_keys
    alter column status_index set default nextval('api_key_status_index'),
    alter column status_index set not null,
    add constraint api_keys_status_index_unique unique (status_index);

-- The indexes of deleted keys, with the id they had (change announcements name keys by id).
create table retired_status_indexes (
    status_index bigint      primary key,
    key_id       text        not null,
    retired_at   timestamptz not null default now()
);

create index retired_status_indexes_key on retired_status_indexes (key_id);

create function retire_status_index() returns trigger
    language plpgsql as
$$
begin
    insert into retired_status_indexes (status_index, key_id) values (old.status_index, old.id);
    return null;
end
$$;

create function retire_every_status_index() returns trigger
    language plpgsql as
$$
begin
    insert into retired_status_indexes (status_index, key_id) select status_index, id from api_keys;
    return null;
end
$$;

-- In the deleting transaction, so a key never disappears without its index being retired.
create trigger api_keys_retire_status_index
    after delete on api_keys
    for each row execute function retire_status_index();

create trigger api_keys_retire_every_status_index
    before truncate on api_keys
    for each statement execute function retire_every_status_index();

-- An index names one key for good.
create function refuse_status_index_change() returns trigger
    language plpgsql as
$$
begin
    raise exception 'api_keys.status_index never changes (key %)', old.id;
end
$$;

create trigger api_keys_status_index_fixed
    before update of status_index on api_keys
    for each row when (old.status_index is distinct from new.status_index)
    execute function refuse_status_index_change();

-- Instances find keys whose expiry has just passed with a range scan, once a second.
create index api_keys_expiring on api_keys (expires_at) where status <> 'revoked' and expires_at is not null;
