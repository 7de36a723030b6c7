-- wrk script for bench/scale.sh's status-list side load: an admin disabling and enabling keys.
-- Requests go in pairs: POST /admin/v1/keys/<id>/disable, then /enable, for the next of the
-- BENCH_CHANGE_POOL keys named churn00000000000 and up (bench/lib.sh seed_keys), with the admin's bearer
-- token BENCH_ADMIN_TOKEN; the connection waits BENCH_CHANGE_DELAY_MS after every answer. Pairs leave
-- every key active again, so each request of the next run changes its key too (a run stopped between
-- the two leaves one key disabled: one no-op then). One wrk, not a curl per change: on the two cores
-- the server shares, starting a curl (and the shell's date and sleep) took about 35 ms of CPU per
-- change, a dent the server had no part in. What was answered, and how fast, is read from the
-- server's request metrics (bench/scale.sh).

local pool = tonumber(os.getenv("BENCH_CHANGE_POOL") or "20")
local pause = tonumber(os.getenv("BENCH_CHANGE_DELAY_MS") or "1000")
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_ADMIN_TOKEN") }
local n = 0

function request()
  local action = n % 2 == 0 and "disable" or "enable"
  local path = string.format("/admin/v1/keys/churn%011d/%s", math.floor(n / 2) % pool, action)
  n = n + 1
  return wrk.format("POST", path, headers)
end

function delay()
  return pause
end
