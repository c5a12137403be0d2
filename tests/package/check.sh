#!/usr/bin/env bash
# The two crates as the registry would receive them: `cargo package` packs (and builds) both,
# then their unpacked sources are built and their doctests run in a scratch workspace, so a
# file the package lacks (a README the docs include, a license) fails here, not after
# publishing. The runtime's dependency on the macros is patched to the unpacked macros crate.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
target="$root/target"

cargo package --locked --allow-dirty --no-verify -p lambda-contract-macros -p lambda-contract

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
for crate in lambda-contract-macros lambda-contract; do
  tar -xzf "$target/package/$crate-$version.crate" -C "$scratch"
  for file in LICENSE-MIT LICENSE-APACHE README.md; do
    test -f "$scratch/$crate-$version/$file" || { echo "$crate: the package lacks $file" >&2; exit 1; }
  done
done
cat > "$scratch/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["lambda-contract-macros-$version", "lambda-contract-$version"]

[patch.crates-io]
lambda-contract-macros = { path = "lambda-contract-macros-$version" }
TOML
# The repository's lockfile keeps the versions the workspace was tested with.
cp Cargo.lock "$scratch/Cargo.lock"
cd "$scratch"
CARGO_TARGET_DIR="$target/package-check" cargo test --doc --workspace
