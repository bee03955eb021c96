#!/usr/bin/env bash
# Checks that two builds of rift print the same bytes on every shipped example and recording:
# `ingest --json`, `classify`, `classify --json`, `graph --format json`, `replay --json` (with
# the report's variants) and `report` as HTML and Markdown. Use it around a change that must not
# change behaviour.
#
#   scripts/same-outputs.sh BASE NEW          two rift binaries
#   scripts/same-outputs.sh --rev REV         REV (a commit, branch or tag) built in a temporary
#                                             worktree, against this checkout's release build
#
# Prints one line per input and command (standard output, standard error and exit code are
# compared), and exits 1 when any differs (the first lines of the difference are shown) or the
# base build fails on an input, 0 when all are the same.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() {
  echo "usage: scripts/same-outputs.sh BASE NEW | --rev REV" >&2
  exit 2
}

work=$(mktemp -d)
cleanup() {
  if [[ -n ${tree:-} ]]; then git worktree remove --force "$tree" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

case ${1:-} in
  --rev)
    rev=${2:?$(usage)}
    tree=$work/base-tree
    git worktree add --detach --quiet "$tree" "$rev"
    echo "building $rev in $tree …" >&2
    (cd "$tree" && CARGO_TARGET_DIR=$root/target/same-outputs-base cargo build --release --quiet)
    cargo build --release --quiet
    base=$root/target/same-outputs-base/release/rift
    new=$root/target/release/rift
    ;;
  -h | --help | '') usage ;;
  *)
    base=$(realpath "$1")
    new=$(realpath "${2:?$(usage)}")
    ;;
esac

inputs=(examples/*/ tests/fixtures/recordings/*/)
compare=current,current+prevote+checkquorum,phi,swim,bidi,probes,lb
commands=(
  "ingest --json"
  "classify"
  "classify --json"
  "graph --format json"
  "replay --json --compare $compare"
  "report --similar 3 --format html -o -"
  "report --similar 3 --format md -o -"
)

# The corpus index is cached per user: both builds get a fresh cache of their own.
run() {
  local bin=$1 side=$2 input=$3 cmd=$4 out=$5 status=0
  # shellcheck disable=SC2086
  XDG_CACHE_HOME=$work/cache-$side "$bin" $cmd "$input" >"$out" 2>"$out.err" || status=$?
  echo "exit $status" >>"$out.err"
  return "$status"
}

differ=0
total=0
for input in "${inputs[@]}"; do
  input=${input%/}
  # A recording keeps its export beside its truth.json.
  [[ -d $input/export ]] && input=$input/export
  for cmd in "${commands[@]}"; do
    total=$((total + 1))
    name=$(echo "$input $cmd" | tr -c 'A-Za-z0-9\n' '_')
    # An input the base build cannot read checks nothing: that is a failure of the check.
    if ! run "$base" base "$input" "$cmd" "$work/$name.base"; then
      differ=$((differ + 1))
      printf 'FAILS    %-45s %s\n' "$input" "$cmd"
      head -5 "$work/$name.base.err" | sed 's/^/         /'
      continue
    fi
    run "$new" new "$input" "$cmd" "$work/$name.new" || true
    if cmp -s "$work/$name.base" "$work/$name.new" && cmp -s "$work/$name.base.err" "$work/$name.new.err"; then
      printf 'same     %-45s %s\n' "$input" "$cmd"
    else
      differ=$((differ + 1))
      printf 'DIFFERS  %-45s %s\n' "$input" "$cmd"
      diff <(cat "$work/$name.base" "$work/$name.base.err") <(cat "$work/$name.new" "$work/$name.new.err") | head -20 | sed 's/^/         /' || true
    fi
  done
done
echo "$((total - differ)) of $total outputs the same"
[[ $differ -eq 0 ]]
