-- wrk script for bench/scale.sh's status-list side load: verifiers fetching the Token Status Lists.
-- Each request GETs one of lists 1..BENCH_STATUS_LISTS in turn, with Accept-Encoding: gzip as
-- verifiers send it; BENCH_STATUS_REVALIDATE_PERCENT of them (default 50) carry If-None-Match with the
-- ETag last seen for that list, as a verifier whose cached list has run out asks (304 when unchanged).
-- Each connection waits BENCH_STATUS_DELAY_MS after every answer, so the load is a rate, not a flood.
-- What was served is counted by the server (bench/scale.sh reads its request metrics).

local lists = tonumber(os.getenv("BENCH_STATUS_LISTS") or "1")
local revalidate = tonumber(os.getenv("BENCH_STATUS_REVALIDATE_PERCENT") or "50") / 100
local pause = tonumber(os.getenv("BENCH_STATUS_DELAY_MS") or "100")
local etags, next_list, asked = {}, 0, 1

function init(args)
  math.randomseed(os.time())
end

function request()
  next_list = next_list % lists + 1
  asked = next_list
  local headers = { ["Accept-Encoding"] = "gzip" }
  if etags[asked] and math.random() < revalidate then
    headers["If-None-Match"] = etags[asked]
  end
  return wrk.format("GET", "/oauth/status/" .. asked, headers)
end

function response(status, headers, body)
  if status == 200 then
    etags[asked] = headers["ETag"] or headers["etag"]
  end
end

function delay()
  return pause
end
