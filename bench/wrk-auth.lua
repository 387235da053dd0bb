-- wrk script of bench/: sends "Authorization: Bearer $TG_KEY" when TG_KEY is set, and ends with one line that
-- bench/lib.sh reads: requests per second, p50 and p99 latency in ms, responses >= 400, requests, socket errors.
-- When TG_DELAY_MS is set (fractional allowed), each connection waits that long on average after an answer before
-- its next request: a paced load, since Debian's wrk has no -R (wrk measures latency from the write, without the
-- wait). wrk waits whole milliseconds, so each wait is rounded up or down at random to keep the mean.
local key = os.getenv("TG_KEY")
if key ~= nil and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

local pause = tonumber(os.getenv("TG_DELAY_MS") or "")
if pause ~= nil and pause > 0 then
  function delay()
    local whole = math.floor(pause)
    if math.random() < pause - whole then
      return whole + 1
    end
    return whole
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d requests=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, summary.requests, e.connect + e.read + e.write + e.timeout))
end
