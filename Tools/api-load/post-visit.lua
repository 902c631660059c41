-- wrk script: every request appends one navet.visit through the HTTP API.
-- The token comes from the environment (REGISTRY_TOKEN).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("REGISTRY_TOKEN")
wrk.body = '{"type":"navet.visit","occurred":"2013-09-12","municipality":"1490","school":"Sandgärdskolan","pupils":24,"teachers":2}'

-- No response() callback: with one, wrk hands every response to Lua, which costs CPU that
-- the server (on the same cores) would otherwise get. wrk still counts non-2xx responses,
-- and run.sh checks the durable count with `registry verify`.

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
