-- wrk script: POST /oauth/token (client_credentials) and count every response by HTTP status.
-- Environment: BENCH_CLIENT_ID, BENCH_API_KEY, BENCH_AUTH=basic|post, BENCH_OUT (JSON result file).
-- Many keys instead (bench/scale.sh): BENCH_KEYS_FILE, one `Authorization` value per line, most
-- popular first; each request draws one with Zipf popularity, P(rank k) ~ 1 / k^BENCH_ZIPF_S (default 1),
-- or with BENCH_KEYS_ORDER=sequential takes them in file order from line BENCH_KEYS_OFFSET + 1 on (bench/scale.sh
-- primes the key cache with that: every key of the traffic once, as a server that has run for a while has seen them).
-- The response() hook is what makes wrk look at each status; done() aggregates the per-thread
-- counters and writes tokens/s, statuses and latency percentiles as one JSON line.

local client_id = os.getenv("BENCH_CLIENT_ID")
local api_key = os.getenv("BENCH_API_KEY")
local auth = os.getenv("BENCH_AUTH") or "basic"
local out = os.getenv("BENCH_OUT")

local function b64(s)
  local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((s:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local keys_file = os.getenv("BENCH_KEYS_FILE")
if keys_file then
  local authorizations, cumulative, total = {}, {}, 0
  local s = tonumber(os.getenv("BENCH_ZIPF_S") or "1")
  for line in io.lines(keys_file) do
    authorizations[#authorizations + 1] = line
    total = total + (#authorizations) ^ (-s)
    cumulative[#authorizations] = total
  end
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  local next_line = tonumber(os.getenv("BENCH_KEYS_OFFSET") or "0")

  local function zipf()
    local r, lo, hi = math.random() * total, 1, #authorizations
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cumulative[mid] < r then lo = mid + 1 else hi = mid end
    end
    return lo
  end

  local function sequential()
    next_line = next_line % #authorizations + 1
    return next_line
  end

  local pick = os.getenv("BENCH_KEYS_ORDER") == "sequential" and sequential or zipf

  function request()
    headers["Authorization"] = authorizations[pick()]
    return wrk.format("POST", nil, headers, "grant_type=client_credentials")
  end
elseif auth == "post" then
  wrk.body = "grant_type=client_credentials&client_id=" .. urlencode(client_id)
      .. "&client_secret=" .. urlencode(api_key)
else
  wrk.body = "grant_type=client_credentials"
  wrk.headers["Authorization"] = "Basic " .. b64(client_id .. ":" .. api_key)
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  math.randomseed(os.time())
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%d":%d', code, n)) end
  local e = summary.errors
  local json = string.format(
    '{"duration_us":%d,"requests":%d,"statuses":{%s},"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}',
    summary.duration, summary.requests, table.concat(parts, ","), e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean)
  if out then
    local f = io.open(out, "w")
    f:write(json, "\n")
    f:close()
  else
    io.write(json, "\n")
  end
end
