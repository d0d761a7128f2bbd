#!/bin/sh
# Builds every fuzz target so CI notices when one stops compiling. Runs from anywhere.
# With cargo-fuzz installed this is the real libFuzzer build (stable toolchain, no sanitizer);
# without it, a plain `cargo build` of the fuzz crate checks the same code compiles.
set -eu
cd "$(dirname "$0")/.."
if cargo fuzz --version >/dev/null 2>&1; then
  exec cargo fuzz build -s none --dev
else
  exec cargo build --manifest-path fuzz/Cargo.toml
fi
