-- wrk script for scripts/bench.py: sends the logged-in session's cookie with every
-- request and prints one machine-readable summary line when the run is done.
--   BENCH_COOKIE="recipes_session=..." BENCH_USER_AGENT=recipes-bench wrk -t2 -c8 -d10s -s scripts/bench.lua URL
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
wrk.headers["Accept"] = "text/html"
-- The browser that logged in (scripts/bench.py's USER_AGENT): a session seen from another one
-- would be re-issued on every answer, which no browser keeps asking for.
local agent = os.getenv("BENCH_USER_AGENT")
if agent ~= nil and agent ~= "" then
  wrk.headers["User-Agent"] = agent
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local errors = summary.errors
  -- latency values are in microseconds
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.2f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
