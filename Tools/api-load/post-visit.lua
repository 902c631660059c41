-- wrk script: every request appends one navet.visit through the HTTP API.
-- The token comes from the environment (REGISTRY_TOKEN).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("REGISTRY_TOKEN")
wrk.body = '{"type":"navet.visit","occurred":"2013-09-12","municipality":"1490","school":"Sandgärdskolan","pupils":24,"teachers":2}'

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
