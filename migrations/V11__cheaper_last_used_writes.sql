-- Keymint schema, version 11: the token path's last-used times cost PostgreSQL less to write.
--
-- Each flush (keymint.keys.last-used-flush-interval, 5 s) sets last_used_at on every key used since
-- the one before: with 100,000 keys in use out of a million, some 2,500 rows scattered over the
-- table, every 5 s. Two things made each of those rows expensive (2,500 rows of a 1,000,000-key table,
-- the statement's time in psql: 210–670 ms per batch before, about 110 ms with both changes; that is
-- time, much of it writing WAL, not PostgreSQL's CPU, which the scale bench did not see move):
--  * the announcing trigger (V3) ran for every row only to find, from to_jsonb of both versions of
--    the row, that nothing but last_used_at had changed. It now fires only for updates that set some
--    other column; what it announces is unchanged.
--  * rows sat in full pages, so a row's new version went to another page and every index of the
--    table got a new entry for it. With a tenth of each page kept free, an update that changes no
--    indexed column stays on its page (a HOT update) and writes no index. The fill factor applies to
--    pages written from now on: a table created before gets the room as its pages are rewritten, or
--    all at once with VACUUM FULL api_keys (which locks the table while it runs).

alter table api_keys set (fillfactor = 90);

drop trigger api_keys_announce_change on api_keys;

-- Every column but last_used_at, which the token path does not read: ApiKeyChangeAnnouncementTest
-- fails when a column is added to api_keys without being named here.
create trigger api_keys_announce_update
    after update of id, organization_id, name, secret_hash, scopes, status, team, owner, expires_at,
        created_at, revoked_at, allowed_cidrs, rate_limit_per_minute, quota_limit, quota_period,
        status_index, api_requests_per_minute, request_budget, request_budget_period, cost_budget,
        cost_budget_period, over_budget_until, previous_secret_hash, previous_secret_expires_at,
        agent_id, audiences, imported, key_prefix
    on api_keys
    for each row execute function announce_api_key_change();

create trigger api_keys_announce_delete
    after delete on api_keys
    for each row execute function announce_api_key_change();
