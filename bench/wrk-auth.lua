-- wrk script of bench/: sends "Authorization: Bearer $TG_KEY" when TG_KEY is set, and ends with one line that
-- bench/lib.sh reads: requests per second, p50 and p99 latency in ms, responses >= 400, requests, socket errors.
local key = os.getenv("TG_KEY")
if key ~= nil and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d requests=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, summary.requests, e.connect + e.read + e.write + e.timeout))
end
