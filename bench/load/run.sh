#!/usr/bin/env bash
# Benchmark of the load generator against a trivial local handler, side by side with
# vegeta and wrk on the same machine in one run:
#   1. closed-loop maximum throughput with the same number of connections:
#      wrk -c C, vegeta -rate=0 -max-workers=C, deploybench load --vus C;
#   2. deploybench's own CPU time and peak RSS per 1,000 req/s, from /usr/bin/time -v,
#      beside vegeta's, at a rate both sustain (measured before 3 can wear out the handler);
#   3. open-loop maximum sustained rate, climbing a ladder of rates: deploybench load
#      --rate R and vegeta attack -rate=R; a rate is sustained when the achieved rate is
#      within 2 % of R, at least 99 % of requests succeed and the p99 latency from the
#      actual send (what vegeta measures; deploybench's service_latency_ms) is under the
#      limit. deploybench's p99 from the intended send time, which also counts the
#      client's own stalls, is listed beside it.
# It prints a Markdown section on stdout (or into -o FILE).
#
# usage: bench/load/run.sh [-d PROBE_SECONDS] [-c CONNECTIONS] [-p P99_LIMIT_MS]
#                          [-r CPU_PROBE_RATE] [-o OUT.md]
# Needs Go; installs vegeta with `go install` when missing; wrk is optional (apt: wrk).
# When taskset exists and there are 2+ cores, the handler runs on CPU 0 and the load
# generators on CPU 1, so they do not fight over a core.
set -euo pipefail

probe=5 conns=64 p99limit=100 cpurate=2000 out=""
while getopts "d:c:p:r:o:h" opt; do
	case $opt in
	d) probe=$OPTARG ;;
	c) conns=$OPTARG ;;
	p) p99limit=$OPTARG ;;
	r) cpurate=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n "2,20p" "$0"; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }

(cd "$repo" && go build -o "$work/deploybench" ./cmd/deploybench && go build -o "$work/trivial" ./bench/load/trivial)
vegeta=$(command -v vegeta || true)
if [ -z "$vegeta" ]; then
	vegeta="$(go env GOPATH)/bin/vegeta"
	[ -x "$vegeta" ] || { log "installing vegeta"; go install github.com/tsenart/vegeta/v12@latest; }
fi
wrk=$(command -v wrk || true)
[ -n "$wrk" ] || log "wrk not found (Debian/Ubuntu: apt-get install wrk); skipping it"
ulimit -n 65536 2>/dev/null || true

srv_cpu="" gen_cpu=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	srv_cpu="taskset -c 0" gen_cpu="taskset -c 1"
fi
$srv_cpu "$work/trivial" >"$work/addr" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/addr" ] && break; sleep 0.05; done
url="http://$(head -1 "$work/addr")/"
log "handler at $url"

# num KEY FILE: the first number after "KEY": in a JSON file.
num() { grep -o "\"$1\": *[-0-9.e+]*" "$2" | head -1 | sed 's/.*: *//'; }
# p99_of KEY FILE: the first "p99" in the object KEY of a deploybench result.
p99_of() { grep -A6 "\"$1\"" "$2" | grep -o '"p99": *[0-9.]*' | head -1 | sed 's/.*: *//'; }
fmt1() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }

db() { $gen_cpu "$work/deploybench" load "$url" "$@" >/dev/null 2>&1 || true; }

# --- 1. closed loop ---------------------------------------------------------------
log "closed loop, $conns connections, ${probe}s each"
db --vus "$conns" --duration "${probe}s" --out "$work/db-closed.json"
db_closed=$(num rate_achieved "$work/db-closed.json")
db_closed_p99=$(num p99 "$work/db-closed.json")
$gen_cpu "$vegeta" attack -rate=0 -max-workers="$conns" -workers="$conns" -duration="${probe}s" <<<"GET $url" >"$work/veg-closed.bin"
"$vegeta" report -type=json <"$work/veg-closed.bin" >"$work/veg-closed.json"
veg_closed=$(num throughput "$work/veg-closed.json")
veg_closed_p99=$(awk -v ns="$(num 99th "$work/veg-closed.json")" 'BEGIN { printf "%.3f", ns / 1e6 }')
wrk_closed="n/a" wrk_closed_p99="n/a"
if [ -n "$wrk" ]; then
	$gen_cpu "$wrk" -t1 -c"$conns" -d"${probe}s" --latency "$url" >"$work/wrk.txt"
	wrk_closed=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
	wrk_closed_p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
fi

# --- 2. CPU and memory per 1,000 req/s ---------------------------------------------- ----------------------------------------------
cpu_calc() { # requests time-file -> "cpu_ms_per_1000_requests rss_mib"
	awk -v n="$1" -F': ' '
		/User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 }
		END { printf "%.1f %.1f\n", (n > 0 ? (u + s) * 1e6 / n : 0), m / 1024 }' "$2"
}
cpu_note="n/a"
if [ -x /usr/bin/time ]; then
	sleep 5 # let the closed-loop connections drain
	log "CPU and RSS at $cpurate req/s for 10s"
	echo "GET $url" >"$work/targets.txt"
	/usr/bin/time -v $gen_cpu "$work/deploybench" load "$url" --rate "$cpurate" --duration 10s --out "$work/db-cpu.json" 2>"$work/db-time.txt" >/dev/null || true
	read -r db_cpu db_rss < <(cpu_calc "$(num requests "$work/db-cpu.json")" "$work/db-time.txt")
	db_cpu_delay=$(grep -A6 '"send_delay_ms"' "$work/db-cpu.json" | grep -o '"p99": *[0-9.]*' | sed 's/.*: *//')
	/usr/bin/time -v $gen_cpu "$vegeta" attack -rate="$cpurate" -duration=10s -targets="$work/targets.txt" -output="$work/veg-cpu.bin" 2>"$work/veg-time.txt" >/dev/null || true
	"$vegeta" report -type=json <"$work/veg-cpu.bin" >"$work/veg-cpu.json"
	read -r veg_cpu veg_rss < <(cpu_calc "$(num requests "$work/veg-cpu.json")" "$work/veg-time.txt")
	db_cpu_rate=$(fmt1 "$(num rate_achieved "$work/db-cpu.json")"); db_cpu_p99=$(p99_of service_latency_ms "$work/db-cpu.json")
	veg_cpu_rate=$(fmt1 "$(num throughput "$work/veg-cpu.json")")
	veg_cpu_p99=$(awk -v ns="$(num 99th "$work/veg-cpu.json")" 'BEGIN { printf "%.3f", ns / 1e6 }')
	cpu_note=ok
fi

# --- 3. open loop: climb the ladder -------------------------------------------------
rates="2000 3000 4000 5000 6000 8000 10000 12000 14000 17000 20000 24000 28000 33000 40000"
db_probe() { # rate -> "ok|fail achieved p99_from_send_ms errors p99_from_intended_ms"
	db --rate "$1" --duration "${probe}s" --out "$work/db-open.json"
	local a p e r pi
	a=$(num rate_achieved "$work/db-open.json"); p=$(p99_of service_latency_ms "$work/db-open.json")
	pi=$(p99_of latency_ms "$work/db-open.json")
	e=$(num errors "$work/db-open.json"); r=$(num requests "$work/db-open.json")
	awk -v R="$1" -v a="$a" -v p="$p" -v e="$e" -v r="$r" -v L="$p99limit" -v pi="$pi" 'BEGIN {
		ok = (a >= 0.98 * R && r > 0 && e / r <= 0.01 && p <= L) ? "ok" : "fail"
		printf "%s %.1f %.3f %d %.3f\n", ok, a, p, e, pi }'
}
veg_probe() {
	$gen_cpu "$vegeta" attack -rate="$1" -duration="${probe}s" <<<"GET $url" >"$work/veg-open.bin"
	"$vegeta" report -type=json <"$work/veg-open.bin" >"$work/veg-open.json"
	local a p s
	a=$(num throughput "$work/veg-open.json"); p=$(num 99th "$work/veg-open.json"); s=$(num success "$work/veg-open.json")
	awk -v R="$1" -v a="$a" -v p="$p" -v s="$s" -v L="$p99limit" 'BEGIN {
		p /= 1e6; ok = (a >= 0.98 * R && s >= 0.99 && p <= L) ? "ok" : "fail"
		printf "%s %.1f %.3f %d\n", ok, a, p, 0 }'
}
# Both tools climb the same ladder in step, taking turns to go first, so that they meet
# the same machine conditions. A shared machine stalls now and then, so a failed rate
# is tried up to three times; a tool stops at a rate it fails three times.
log "open loop ladder, ${probe}s per rate, p99 limit ${p99limit} ms"
sleep 5 # let the closed-loop connections drain
db_max=0 veg_max=0 db_on=1 veg_on=1 turn=0
: >"$work/ladder"
for r in $rates; do
	order="db veg"; [ $((turn++ % 2)) = 1 ] && order="veg db"
	for tool in $order; do
		on=${tool}_on
		[ "${!on}" = 1 ] || continue
		for try in 1 2 3; do
			res=$(${tool}_probe "$r")
			label=""; [ "$try" = 1 ] || label=" (try $try)"
			echo "$tool $r $res$label" >>"$work/ladder"; log "$tool $r try $try: $res"
			[ "${res%% *}" = ok ] && break
		done
		if [ "${res%% *}" = ok ]; then eval "${tool}_max=$r"; else eval "${tool}_on=0"; fi
	done
	[ "$db_on$veg_on" != 00 ] || break
done

# --- report ----------------------------------------------------------------------
{
	echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')),"
	echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(go version | cut -d' ' -f3); wrk ${wrk:+$($wrk -v 2>&1 | head -1 | cut -d' ' -f2)}; vegeta v12."
	pinned=no; [ -n "$srv_cpu" ] && pinned=yes
	echo "Handler pinned to CPU 0 and generators to CPU 1: $pinned. Probe length ${probe}s."
	echo
	echo "Closed loop, $conns connections (maximum throughput):"
	echo
	echo "| tool | req/s | p99 ms |"
	echo "|---|---:|---:|"
	echo "| deploybench load --vus $conns | $(fmt1 "$db_closed") | $db_closed_p99 |"
	echo "| vegeta attack -rate=0 -max-workers=$conns | $(fmt1 "$veg_closed") | $veg_closed_p99 |"
	echo "| wrk -t1 -c$conns | $wrk_closed | $wrk_closed_p99 |"
	echo
	echo "Open loop, maximum sustained rate (achieved ≥ 98 % of intended, ≥ 99 % success, p99 from the actual send ≤ $p99limit ms):"
	echo
	echo "| tool | max sustained req/s |"
	echo "|---|---:|"
	echo "| deploybench load --rate R | $db_max |"
	echo "| vegeta attack -rate=R | $veg_max |"
	echo
	echo "Ladder (tool rate verdict achieved_req/s p99_ms_from_send errors [deploybench: p99_ms_from_intended_send]):"
	echo
	echo '```'
	sed 's/^db /deploybench /; s/^veg /vegeta      /' "$work/ladder"
	echo '```'
	if [ "$cpu_note" = ok ]; then
		echo
		echo "CPU and memory at $cpurate req/s for 10 s, from /usr/bin/time -v (CPU ms per 1,000"
		echo "requests = CPU ms per second per 1,000 req/s; 1,000 means one full core per 1,000 req/s):"
		echo
		echo "| tool | CPU ms per 1,000 requests | peak RSS MiB | achieved req/s | p99 ms from send |"
		echo "|---|---:|---:|---:|---:|"
		echo "| deploybench load | $db_cpu | $db_rss | $db_cpu_rate | $db_cpu_p99 |"
		echo "| vegeta attack | $veg_cpu | $veg_rss | $veg_cpu_rate | $veg_cpu_p99 |"
		echo
		echo "deploybench's p99 send delay (client lateness) in that run: ${db_cpu_delay:-n/a} ms."
	fi
} | if [ -n "$out" ]; then cat >"$out"; else cat; fi
