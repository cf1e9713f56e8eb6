-- scripts/load.lua: the wrk script of scripts/load.sh, scripts/ab.sh and the
-- ceilings beside them: each request picks a path of $PATHS at random (seed
-- 42), with $BODY POSTed when set; done prints one RESULT line: req/s, p50,
-- p99, p99.9 (µs), errors and requests.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
math.randomseed(42)
local body, headers = nil, {}
if os.getenv("ACCEPT_ENCODING") ~= "" then headers["Accept-Encoding"] = os.getenv("ACCEPT_ENCODING") end
if os.getenv("BODY") ~= "" then
  local f = io.open(os.getenv("BODY"), "rb"); body = f:read("*a"); f:close()
  headers["Content-Type"] = "application/fhir+json"
  if os.getenv("CACHE_ID") ~= "" then headers["X-Cache-Id"] = os.getenv("CACHE_ID") end
end
local method = body and "POST" or "GET"
request = function()
  return wrk.format(method, paths[math.random(#paths)], headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.0f %.0f %.0f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.status + e.connect + e.read + e.write + e.timeout, summary.requests))
end
