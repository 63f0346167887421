-- wrk script for bench/bench.py: anonymous ticket creation, summary printed as one JSON line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- BENCH_TITLE: "Bench ticket routed (wrk)" matches the bench's routing rule (the word "routed").
local title = os.getenv("BENCH_TITLE") or "Bench ticket (wrk)"
wrk.body = '{"title": "' .. title .. '", "description": "The export page times out for our whole team."}'

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "seconds": %.3f, "status_errors": %d, "socket_errors": %d, "p50_ms": %.2f, "p95_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
