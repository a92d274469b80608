#!/usr/bin/env bash
# Two nexus binaries compared in pairs of fresh renders: usage
#   scripts/bench-pairs.sh OLD NEW SPEC [PAIRS]
# Each pair renders SPEC with both binaries into new folders, one right after the other,
# the order alternating from pair to pair. On a machine whose speed drifts (this project's
# virtual machine changes state within minutes, docs/performance.md), the two runs of a
# pair see nearly the same machine even when the medians of whole series do not. Prints
# each binary's medians of wall, user and system time, how many pairs NEW won and the
# median of the differences NEW − OLD.
#
# The outputs are kept in a folder under $TMPDIR until the end and removed then: removing
# thousands of files right before creating as many makes ext4 scan for recently freed
# inodes for minutes, which would slow whichever binary runs next.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 OLD NEW SPEC [PAIRS]" >&2
  exit 2
fi
old=$1 new=$2 spec=$3 pairs=${4:-8}
for bin in "$old" "$new"; do
  [ -x "$bin" ] || { echo "$bin: not an executable" >&2; exit 2; }
done
[ -e "$spec" ] || { echo "$spec: no such spec" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
times="$work/times"
: > "$times"

for i in $(seq "$pairs"); do
  if [ $((i % 2)) = 0 ]; then order="old new"; else order="new old"; fi
  for which in $order; do
    if [ "$which" = old ]; then bin=$old; else bin=$new; fi
    /usr/bin/time -f "$i $which %e %U %S" -a -o "$times" \
      "$bin" render "$spec" --out "$work/$which-$i" >/dev/null 2>&1
  done
done

awk '
  { wall[$2, $1] = $3; user[$2] = user[$2] " " $4; sys[$2] = sys[$2] " " $5; all[$2] = all[$2] " " $3 }
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  END {
    split("old new", names, " ")
    for (k = 1; k <= 2; k++) {
      w = names[k]
      printf "%-4s wall %.3f s  user %.2f s  sys %.2f s (medians)\n", w, median(all[w]), median(user[w]), median(sys[w])
    }
    won = 0; diffs = ""; n = 0
    for (i = 1; (("new", i) in wall); i++) {
      d = wall["new", i] - wall["old", i]; diffs = diffs " " d; n++
      if (d < 0) won++
    }
    printf "new faster in %d of %d pairs; median of new - old: %+.3f s\n", won, n, median(diffs)
  }
' "$times"
