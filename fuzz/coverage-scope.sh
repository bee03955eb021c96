#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build (fuzz/run.sh): SanitizerCoverage only where coverage guides
# the fuzzer to something rift is responsible for — rift's own crates and targets, and the
# parsers its readers hand input bytes to (CSV, JSON, TOML, regex, gzip, zstd, polars' Parquet
# reader). libFuzzer walks every coverage counter after each execution, and the rest of polars
# and tantivy bring millions of them: instrumented, they cost the fast targets most of their time.
rustc=$1
shift
name=
prev=
for a in "$@"; do
  if [[ $prev == --crate-name ]]; then name=$a; break; fi
  prev=$a
done
case $name in
  rift_* | counters | parquet | table | log | metrics | incident | profile | scenario | \
  front_matter | log_reader | table_reader | metrics_reader | build_script_build | '' | \
  csv | csv_core | serde_json | toml | toml_parser | toml_datetime | regex | regex_automata | \
  regex_syntax | aho_corasick | memchr | flate2 | miniz_oxide | zstd | zstd_safe | chrono | \
  polars_parquet | polars_parquet_format)
    exec "$rustc" "$@" ;;
esac
args=()
split=0
for a in "$@"; do
  if (( split )); then
    split=0
    case $a in
      passes=sancov-module | llvm-args=-sanitizer-coverage*) continue ;;
      *) args+=(-C "$a"); continue ;;
    esac
  fi
  case $a in
    -C) split=1; continue ;;
    -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage*) continue ;;
  esac
  args+=("$a")
done
exec "$rustc" "${args[@]}"
