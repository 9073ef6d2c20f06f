#!/usr/bin/env bash
# Regenerates the typed CRD classes in constructs/k8s/imports from the vendored CRDs listed under
# `imports:` in cdk8s.yaml, one `cdk8s import` call per CRD file (each file becomes its own module,
# constructs/k8s/imports/<module>-<group>.ts). Needs no network: the CRDs are local files and the
# CLI's upgrade check is switched off.
set -euo pipefail
cd "$(dirname "$0")/../.."

out_dir=constructs/k8s/imports
mapfile -t specs < <(node -e '
  const config = require("yaml").parse(require("fs").readFileSync("cdk8s.yaml", "utf8"));
  for (const spec of config.imports ?? []) console.log(spec);
')
if [ "${#specs[@]}" -eq 0 ]; then
  echo "cdk8s.yaml lists no imports" >&2
  exit 1
fi

# Start from an empty set of generated modules so a CRD dropped from cdk8s.yaml leaves no stale file.
find "$out_dir" -maxdepth 1 -name '*.ts' -delete 2>/dev/null || true
for spec in "${specs[@]}"; do
  echo "cdk8s import $spec"
  npx cdk8s import --no-check-upgrade --no-save --language typescript --output "$out_dir" "$spec" >/dev/null
done
ls -l "$out_dir"/*.ts
