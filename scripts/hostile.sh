#!/usr/bin/env bash
# Runs rift on every hostile input of scripts/hostile_inputs.py and prints a table: per case, the
# exit code, peak memory, time, and whether it stayed within the bounds (2 GiB, 60 s) and passed
# its check (no command run from a name, no file outside the export shown, a device left a
# device, …). RELIABILITY.md keeps the table.
#
#   scripts/hostile.sh [-k] [-g GROUP]... [CASE-PATTERN]
#
# -g writes and runs only the cases of one group of scripts/hostile_inputs.py (repeatable).
# -k keeps the inputs (in $RIFT_HOSTILE_DIR, default /tmp/rift-hostile; up to 6 GB, most of it a
# sparse file). Needs python3 (PyYAML for the Chaos Mesh checks), zstd and GNU time. Run as root
# for the device cases (as the probe that found them did). The release binary is built first,
# unless RIFT names a binary to run instead.
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0
groups=()
while :; do
  case ${1:-} in
    -k) keep=1; shift ;;
    -g) groups+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
pattern=${1:-}
dir=${RIFT_HOSTILE_DIR:-/tmp/rift-hostile}
max_kb=$((2 * 1024 * 1024))
max_s=60

command -v zstd >/dev/null || { echo "hostile.sh needs zstd (apt-get install zstd)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "hostile.sh needs GNU time (apt-get install time)" >&2; exit 1; }

if [[ -z ${RIFT:-} ]]; then
  cargo build --release -q
  RIFT=$PWD/target/release/rift
fi
export RIFT
echo "generating the inputs in $dir" >&2
rm -rf "$dir"
python3 scripts/hostile_inputs.py "$dir" "${groups[@]}" >&2

printf '| case | class | exit | peak MiB | s | within bounds | as expected |\n|---|---|---:|---:|---:|---|---|\n'
failed=0
while IFS=$'\x1f' read -r name klass d command check expect; do
  [[ -z $pattern || $name == *$pattern* ]] || continue
  export D=$d
  log=$dir/$name.log
  set +e
  /usr/bin/time -f '%M %e' -o "$dir/$name.time" timeout -k 5 $((max_s * 2)) bash -c "$command" >"$log" 2>&1
  code=$?
  read -r kb secs < <(tail -1 "$dir/$name.time")
  # The exit code is one of those expected (`3`, or a range `0-3`) and the check holds.
  lo=${expect%-*} hi=${expect#*-}
  expected=yes
  if (( code < lo || code > hi )); then expected=NO; fi
  if [[ -n $check ]] && ! bash -c "$check" >/dev/null 2>&1; then expected=NO; fi
  set -e
  bounds=yes
  if (( kb > max_kb )) || awk -v s="$secs" -v m="$max_s" 'BEGIN { exit !(s > m) }' || (( code >= 124 )); then
    bounds=NO
  fi
  [[ $bounds == yes && $expected == yes ]] || failed=$((failed + 1))
  printf '| %s | %s | %s | %d | %.1f | %s | %s |\n' "$name" "$klass" "$code" $((kb / 1024)) "$secs" \
    "$bounds" "$expected"
done <"$dir/cases.txt"
if (( failed )); then
  echo "$failed case(s) out of bounds or failing their check; inputs and logs kept in $dir" >&2
  exit 1
fi
(( keep )) || rm -rf "$dir"
