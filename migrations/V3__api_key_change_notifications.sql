-- Keymint schema, version 3: instances keep the token path's api_keys rows in memory, so every
-- change to what the token path reads is announced, and each instance says how far it has heard.
--
-- Changes are announced on the channel keymint_api_keys with the key's id as payload ('*' when
-- every key may be affected). NOTIFY is delivered at commit, and only when the transaction commits.
-- last_used_at alone is not announced: the token path does not read it, and the token path itself
-- writes it in batches. Triggers do not fire under session_replication_role = replica (pg_restore
-- --disable-triggers, logical replication): restart the instances after such a load.

create function announce_api_key_change() returns trigger
    language plpgsql as
$$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('keymint_api_keys', old.id);
    elsif (to_jsonb(old) - 'last_used_at') is distinct from (to_jsonb(new) - 'last_used_at') then
        perform pg_notify('keymint_api_keys', new.id);
        if new.id <> old.id then
            perform pg_notify('keymint_api_keys', old.id);
        end if;
    end if;
    return null;
end
$$;

create function announce_every_api_key_change() returns trigger
    language plpgsql as
$$
begin
    perform pg_notify('keymint_api_keys', '*');
    return null;
end
$$;

-- A new key needs no announcement: no instance can hold a row it has never read.
create trigger api_keys_announce_change
    after update or delete on api_keys
    for each row execute function announce_api_key_change();

create trigger api_keys_announce_truncate
    after truncate on api_keys
    for each statement execute function announce_every_api_key_change();

-- The organization's slug is part of every cached row of its keys.
create trigger organizations_announce_slug_change
    after update of slug on organizations
    for each row when (old.slug is distinct from new.slug)
    execute function announce_every_api_key_change();

create trigger organizations_announce_removal
    after delete or truncate on organizations
    for each statement execute function announce_every_api_key_change();

-- One row per running instance that serves keys from memory. confirmed_through: every change
-- committed before this time has been applied to its memory. lease_until: after this time the
-- instance no longer answers from memory unless it has confirmed again. An admin change returns once
-- no instance holds a live lease without having confirmed past the change's commit, so a disabled,
-- revoked or edited key is seen by the very next token request on every instance. Both times come
-- from the database's clock.
create table key_cache_instances (
    instance_id       uuid        primary key,
    confirmed_through timestamptz not null,
    lease_until       timestamptz not null
);
