#!/usr/bin/env bash
# Generates the rewriter's fuzz corpus ONCE (the .wasm files are committed;
# tests never run this): random valid modules from binaryen's fuzzer
# (`wasm-opt -ttf`, "translate to fuzz": random bytes in, valid module out),
# with deterministic seeds so the corpus can be regenerated identically.
#   node-N.wasm:  features Node 20's V8 validates, so the instrumented output
#                 is checked with WebAssembly.validate and run against the original
#   ext-N.wasm:   asks for newer features (memory64, extended-const, relaxed
#                 SIMD); binaryen 108's fuzzer barely emits them, so these too
#                 validate in Node 20 (the test validates whatever Node accepts)
# binaryen 108's reference-types/GC output predates the final encodings, so
# those features are covered by hand-assembled modules in the tests instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus"
rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

node_sets=(
  ""
  "--enable-sign-ext --enable-nontrapping-float-to-int"
  "--enable-simd"
  "--enable-bulk-memory --enable-sign-ext"
  "--enable-multivalue"
  "--enable-tail-call"
  "--enable-exception-handling"
  "--enable-threads --enable-bulk-memory"
  "--enable-simd --enable-tail-call --enable-multivalue --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory"
  "--enable-exception-handling --enable-tail-call --enable-threads --enable-simd"
)
ext_sets=(
  "--enable-memory64 --enable-bulk-memory"
  "--enable-extended-const"
  "--enable-relaxed-simd --enable-simd"
  "--enable-memory64 --enable-simd --enable-threads"
)

gen() { # name seed size features...
  local name=$1 seed=$2 size=$3; shift 3
  python3 -c "import random,sys; r=random.Random($seed); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($size)))" > "$tmp/in"
  # -g keeps a name section in every other module (exercises its renumbering)
  local g=""; (( seed % 2 )) && g="-g"
  wasm-opt -ttf "$tmp/in" -o "$out/$name.wasm" $g --enable-mutable-globals "$@" 2>/dev/null
  wasm-validate --enable-all "$out/$name.wasm"
}

for i in $(seq 0 159); do
  gen "node-$i" "$i" $(( 2000 + (i * 379) % 8000 )) ${node_sets[$(( i % ${#node_sets[@]} ))]}
done
for i in $(seq 0 39); do
  gen "ext-$i" "$(( 1000 + i ))" $(( 2000 + (i * 531) % 8000 )) ${ext_sets[$(( i % ${#ext_sets[@]} ))]}
done
du -sh "$out"
ls "$out" | wc -l
