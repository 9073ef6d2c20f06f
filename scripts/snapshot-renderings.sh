#!/usr/bin/env bash
# Synthesizes every stage of every profile in profiles/ for both targets into DIR/<profile>/,
# keeping only what a deploy consumes (CloudFormation templates, Kubernetes manifests), so two
# snapshots can be compared with scripts/compare-renderings.sh. Used to prove that a refactor
# leaves the output byte-identical (or to show exactly what changed, on purpose).
#   scripts/snapshot-renderings.sh DIR [EXTRA synth options...]
set -euo pipefail
out="${1:?usage: snapshot-renderings.sh DIR}"; shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
for profile in "$root"/profiles/*.yaml; do
  name="$(basename "$profile" .yaml)"
  work="$(mktemp -d)"
  node "$root/bin/stagekit.js" synth --all --target all --profile "$profile" --out "$work" "$@" > /dev/null
  mkdir -p "$out/$name/aws" "$out/$name/k8s"
  for dir in "$work"/aws/*/; do
    stage="$(basename "$dir")"
    for template in "$dir"*.template.json; do cp "$template" "$out/$name/aws/$stage.$(basename "$template")"; done
  done
  cp "$work"/k8s/*.yaml "$out/$name/k8s/"
  rm -rf "$work"
done
