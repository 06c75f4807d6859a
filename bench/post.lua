-- wrk script: POST the file named by $BENCH_BODY to /invocations with Content-Type
-- $BENCH_CTYPE (default text/plain) and print one machine-readable result line:
--   BENCH {"requests":..,"duration_us":..,"rps":..,"p50_us":..,"p99_us":..,...}
local path = os.getenv("BENCH_BODY")
if not path then
  error("BENCH_BODY is not set")
end
local f = assert(io.open(path, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.path = "/invocations"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("BENCH_CTYPE") or "text/plain"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"rps":%.3f,"bytes":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.requests / secs, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
