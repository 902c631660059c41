#!/usr/bin/env bash
# Measures the HTTP API on loopback: durable appends/s with 64 concurrent clients, and the
# latency of the navet report. Needs wrk (apt-get install wrk). Run by hand:
#   bash Tools/api-load/run.sh [seconds] [rounds]
# Appends are measured `rounds` times (default 5) on one server, and the median is printed:
# on a shared 2-core VM single runs swing by ±10 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
rounds=${2:-5}
port=18180
swift build -c release --product registry >/dev/null
registry=.build/release/registry
store=$(mktemp -d)/store
trap 'kill $server 2>/dev/null || true; rm -rf "$(dirname "$store")"' EXIT
export REGISTRY_STORE=$store
$registry demo --no-serve >/dev/null
writer=$($registry user add loader --role reception | sed -n 's/^token: //p')
reader=$($registry user add reader --role analyst | sed -n 's/^token: //p')
$registry serve --host 127.0.0.1 --port $port >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
before=$($registry verify --store "$store" 2>/dev/null | awk '{print $2}' || true)
# One request each first: a token's first use pays one bcrypt check (then it is cached).
curl -sf -o /dev/null -H "Authorization: Bearer $reader" "http://127.0.0.1:$port/api/reports/navet?period=2013"
curl -sf -o /dev/null -H "Authorization: Bearer $writer" -H "Content-Type: application/json" \
  -d '{"type":"navet.lecture","occurred":"2013-09-12","attendees":1}' http://127.0.0.1:$port/api/events
echo "== navet report 2013 vs 2012 on the demo history: 8 connections, ${seconds}s"
REGISTRY_TOKEN=$reader wrk -t2 -c8 -d${seconds}s -s Tools/api-load/report.lua http://127.0.0.1:$port
rates=()
for round in $(seq "$rounds"); do
  echo "== appends, round $round of $rounds: 64 connections, ${seconds}s"
  out=$(REGISTRY_TOKEN=$writer wrk -t2 -c64 -d${seconds}s -s Tools/api-load/post-visit.lua http://127.0.0.1:$port/api/events)
  echo "$out" | grep -E "Requests/sec|p50|Non-2xx|Socket errors" || true
  rates+=("$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')")
done
echo "appends/s by round: ${rates[*]}; median $(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
kill $server; wait $server 2>/dev/null || true
after=$($registry verify | awk '{print $2}')
echo "events before $before, after $after: $((after - before)) durable appends; verify ok"
