-- wrk script: the navet report for a year, as an analyst.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("REGISTRY_TOKEN")
wrk.path = "/api/reports/navet?period=2013&compare=2012"

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
