#!/usr/bin/env bash
# nexus side by side with peers on the same synthetic platform, in one run.
#
#   scripts/bench-peer.sh [N...]        (default: 1000 5000)
#
# For each N:
#   - nexus: `synth N` writes the spec (N services with dependencies, routes, autoscaling,
#     disruption budgets, backing services, monitoring, a gateway, two environments);
#     `nexus render` validates it and renders Kubernetes, Compose and Nginx for both
#     environments, written (the full pipeline), and `nexus lint` lints it;
#   - KCL (PyPI kcl-lib, scripts/peer/platform.k) and jsonnet (Debian's C++ jsonnet,
#     scripts/peer/platform.jsonnet), when installed: the issue's peer workload, N services
#     in two environments, each a Deployment, Service, HorizontalPodAutoscaler,
#     PodDisruptionBudget and NetworkPolicy, written to one file.
#   - nexus on the peers' own workload (`synth N --peer`: N services, one environment, each
#     a Deployment, Service, autoscaler, disruption budget and network rules; nexus also
#     writes Compose and a README), `nexus render` into a fresh folder: the median and the
#     slowest of PEER_RUNS runs (default 5) against issue 20's targets (N = 5,000: median
#     under 0.25 s, peak under 120 MB, slowest within 1.5x of the median);
#   - the floor of that render: its files written into a new folder with nothing rendered
#     (`nexus-bench floor`), what any renderer of those files pays on this machine.
# Each command's wall time, CPU time and peak memory come from /usr/bin/time (best wall
# time of RUNS runs, default 3). The last column is the peer's wall time over nexus's.
#
# The peers are installed by scripts/install-peers.sh (kcl-lib pinned, in .tools/peers-venv;
# Debian's jsonnet); PEERS_INSTALL=0 skips that and uses whatever python3 and jsonnet have.
# (JSONNET_MAX_N, default 1000, skips jsonnet above it: Debian's jsonnet 0.18 takes minutes.)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000)
runs="${RUNS:-3}"
jsonnet_max="${JSONNET_MAX_N:-1000}"
work="${WORK:-target/bench-peer}"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet -p nexus -p nexus-bench
nexus=target/release/nexus
synth=target/release/synth
python=python3
[ "${PEERS_INSTALL:-1}" = 0 ] || python=$(scripts/install-peers.sh)
have_kcl=0; "$python" -c 'import kcl_lib' 2>/dev/null && have_kcl=1
have_jsonnet=0; command -v jsonnet >/dev/null && have_jsonnet=1

# best_of COMMAND...: runs it RUNS times; prints "wall cpu peakMB" of the fastest run.
best_of() {
  local best="" t wall user sys kb
  t=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>&1 || true
    read -r wall user sys kb < <(tail -1 "$t")
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
      best="$wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}') $(awk -v k="$kb" 'BEGIN{printf "%.0f", k/1024}')"
    fi
  done
  rm -f "$t"
  echo "$best"
}

# median_of COMMAND...: runs it PEER_RUNS times; prints "median slowest cpu peakMB" (cpu
# and peak of the median run).
median_of() {
  local t runs=${PEER_RUNS:-5}
  t=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$t.one" "$@" >/dev/null 2>&1 || true
    tail -1 "$t.one" >> "$t"
  done
  sort -n "$t" | awk -v n="$runs" '{w[NR]=$1; c[NR]=$2+$3; m[NR]=$4}
    END {i=int((n+1)/2); printf "%s %s %.2f %.0f\n", w[i], w[n], c[i], m[i]/1024}'
  rm -f "$t" "$t.one"
}

printf '%-7s %-44s %9s %9s %9s %10s %8s\n' N tool "wall s" "cpu s" "peak MB" "output MB" "vs nexus"
for n in "${sizes[@]}"; do
  dir="$work/n$n"
  mkdir -p "$work/old"; [ -d "$dir" ] && mv "$dir" "$work/old/n$n.$$"
  mkdir -p "$dir/specs"
  "$synth" "$n" --seed 1 --out "$dir/specs/synth.yaml"

  # nexus: the full pipeline, into a fresh folder each run. Old folders are deleted at the
  # end, not between runs: deleting 11,500 files right before creating as many makes ext4
  # scan for recently freed inodes, which measures the file system, not the tool.
  read -r nw nc nm < <(best_of bash -c "'$nexus' render '$dir/specs' --out \"\$(mktemp -d -p '$dir' out.XXXXXX)\"")
  out_mb=$(du -sm "$(ls -d "$dir"/out.* | head -1)" | cut -f1)
  printf '%-7s %-44s %9s %9s %9s %10s %8s\n' "$n" "nexus render (validate+render 3 targets, written)" "$nw" "$nc" "$nm" "$out_mb" "1.00"
  read -r lw lc lm < <(best_of "$nexus" lint "$dir/specs" --today 2026-01-01)
  printf '%-7s %-44s %9s %9s %9s %10s %8s\n' "$n" "nexus lint" "$lw" "$lc" "$lm" "-" "-"

  # nexus on the peer workload (one environment), median of PEER_RUNS fresh folders.
  mkdir -p "$dir/peer"
  "$synth" "$n" --peer --out "$dir/peer/peer.yaml"
  read -r pw pworst pc pm < <(median_of bash -c "'$nexus' render '$dir/peer' --out \"\$(mktemp -d -p '$dir' peer-out.XXXXXX)\"")
  pmb=$(du -sm "$(ls -d "$dir"/peer-out.* | head -1)" | cut -f1)
  printf '%-7s %-44s %9s %9s %9s %10s %8s\n' "$n" "nexus render, peer workload (median)" "$pw" "$pc" "$pm" "$pmb" "-"
  # The floor: the same files written into a new folder with nothing rendered (see
  # nexus-bench/src/bin/nexus-bench/floor.rs), median of PEER_RUNS. No renderer that
  # writes these files is faster on this machine.
  fw=$(for i in $(seq "${PEER_RUNS:-5}"); do
    target/release/nexus-bench floor "$(ls -d "$dir"/peer-out.* | head -1)" "$dir/peer-floor.$$.$i" | cut -d' ' -f1
  done | sort -n | awk '{w[NR]=$1} END {printf "%.2f", w[int((NR+1)/2)]/1000}')
  printf '%-7s %-44s %9s %9s %9s %10s %8s\n' "$n" "floor: the peer's files written, unrendered" "$fw" "-" "-" "$pmb" "-"
  if [ "$n" = 5000 ]; then
    awk -v w="$pw" -v s="$pworst" -v m="$pm" 'BEGIN {
      printf "        issue 20: median %.2f s < 0.25 s: %s; peak %d MB < 120 MB: %s; slowest %.2f s = %.2fx median <= 1.5x: %s\n",
        w, (w < 0.25 ? "met" : "NOT met"), m, (m < 120 ? "met" : "NOT met"), s, s / w, (s / w <= 1.5 ? "met" : "NOT met") }'
    awk -v w="$pw" -v f="$fw" 'BEGIN {
      printf "        floor: writing its files alone takes %.2f s here; the median less that floor is %.2f s\n", f, w - f }'
  fi

  if [ "$have_kcl" = 1 ]; then
    read -r kw kc km < <(best_of bash -c "'$python' scripts/peer/run_kcl.py $n > '$dir/kcl.yaml'")
    kmb=$(du -sm "$dir/kcl.yaml" | cut -f1)
    printf '%-7s %-44s %9s %9s %9s %10s %8s\n' "$n" "KCL kcl-lib (5 objects x N x 2 envs)" "$kw" "$kc" "$km" "$kmb" "$(awk -v a="$kw" -v b="$nw" 'BEGIN{printf "%.2f", a/b}')"
  else
    echo "$n  KCL: not installed (scripts/install-peers.sh)"
  fi
  if [ "$have_jsonnet" = 1 ] && [ "$n" -le "$jsonnet_max" ]; then
    read -r jw jc jm < <(best_of bash -c "jsonnet -y --tla-code n=$n scripts/peer/platform.jsonnet > '$dir/jsonnet.yaml'")
    jmb=$(du -sm "$dir/jsonnet.yaml" | cut -f1)
    printf '%-7s %-44s %9s %9s %9s %10s %8s\n' "$n" "jsonnet $(jsonnet --version | awk '{print $NF}') (same objects)" "$jw" "$jc" "$jm" "$jmb" "$(awk -v a="$jw" -v b="$nw" 'BEGIN{printf "%.2f", a/b}')"
  elif [ "$have_jsonnet" = 1 ]; then
    echo "$n  jsonnet: skipped above JSONNET_MAX_N=$jsonnet_max"
  fi
done
rm -rf "$work/old"
