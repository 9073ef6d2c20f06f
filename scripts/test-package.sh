#!/usr/bin/env bash
# Tests the package as a user gets it: packs the tarball, installs it (with its peer dependencies at the
# versions pinned in devDependencies) into an empty folder, and runs its bin from there:
# `npx stagekit stages`, `npm exec stagekit`, node_modules/.bin/stagekit through a symlink,
# `synth --all --target all`, `cost --all`, `cost --from`, and requires every export. Then installs the
# tarball into each project under examples/ (their own package.json, `stagekit` pointed at the tarball),
# type-checks and synthesizes each and asserts on what it wrote; examples/aws-own-vpc runs on the lowest
# aws-cdk-lib the peer range claims.
# Installs prefer the npm cache (--prefer-offline).
#   SKIP_BUILD=1  pack the existing dist/ (CI: `npm ci` already built it through `prepare`)
#   KEEP=1        keep the temporary folder
set -euo pipefail
# The whole script is one block, so bash parses it before running it: editing the file during a run is safe.
{
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/stagekit-package.XXXXXX")"
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "pack"
cd "$root"
if [ "${SKIP_BUILD:-}" = 1 ] && [ -f dist/cli/main.js ]; then
  npm pack --ignore-scripts --pack-destination "$work" --silent > "$work/pack.txt"
else
  npm pack --pack-destination "$work" --silent > "$work/pack.txt"
fi
tarball="$work/$(tail -1 "$work/pack.txt")"
ls -l "$tarball"
listing="$(tar -tzf "$tarball")"
grep -q '^package/dist/cli/main.js$' <<<"$listing" || fail "dist/cli/main.js missing from the tarball"
grep -q '^package/dist/data/prices/catalog.json$' <<<"$listing" || fail "price catalog missing"
grep -q '^package/dist/profiles/profile.schema.json$' <<<"$listing" || fail "profile schema missing"
grep -q '^package/dist/constructs/k8s/imports/cluster-postgresql.cnpg.io.js$' <<<"$listing" || fail "CRD classes missing"
if grep -E '^package/(test|bench|\.ci|examples|scripts|cost/fixtures)/|\.test\.|^package/.*\.ts$' <<<"$listing" | grep -v '\.d\.ts$' | head -5 | grep .; then fail "tests, fixtures, bench, CI or TypeScript sources in the tarball"; fi

peer() { node -p "require('$root/package.json').devDependencies['$1']"; }
step "install into an empty folder"
app="$work/app"
mkdir -p "$app"
cd "$app"
printf '{ "name": "stagekit-package-test", "private": true, "version": "1.0.0" }\n' > package.json
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball" \
  "aws-cdk-lib@$(peer aws-cdk-lib)" "constructs@$(peer constructs)" "cdk8s@$(peer cdk8s)" "cdk8s-plus-27@$(peer cdk8s-plus-27)"
[ ! -e node_modules/tsx ] || fail "tsx installed: the package must run compiled code"
copies="$(find node_modules -name package.json -path '*/aws-cdk-lib/package.json' -not -path '*/aws-cdk-lib/*/aws-cdk-lib/*' | wc -l)"
[ "$copies" = 1 ] || fail "expected one copy of aws-cdk-lib, found $copies"

step "npx stagekit stages"
out="$(npx --no-install stagekit stages)"
grep -q '1. single-server' <<<"$out" || fail "npx stagekit stages printed: $out"
step "npm exec stagekit -- --version"
[ "$(npm exec --no -- stagekit --version)" = "$(node -p "require('$root/package.json').version")" ] || fail "npm exec stagekit --version"
step "through a symlink (as a global install links it)"
ln -s "$app/node_modules/.bin/stagekit" "$work/stagekit-link"
"$work/stagekit-link" stages | grep -q '5. queue-pipeline' || fail "symlinked bin printed nothing"
step "stages | head -1 (a closed pipe ends quietly)"
set +o pipefail
first="$(npx --no-install stagekit stages 2>"$work/epipe.txt" | head -1)"
set -o pipefail
grep -q '1. single-server' <<<"$first" || fail "stages | head -1 printed: $first"
[ ! -s "$work/epipe.txt" ] || fail "stderr after a closed pipe: $(cat "$work/epipe.txt")"

step "npx stagekit synth --all --target all"
npx --no-install stagekit synth --all --target all --out out
[ -f out/aws/sharded/manifest.json ] && [ -f out/k8s/queue-pipeline.k8s.yaml ] && [ -f out/stagekit-run.json ] || fail "synth did not write every artifact"
step "npx stagekit cost --all"
npx --no-install stagekit cost --all | tee "$work/cost.txt" | tail -12
grep -q 'queue-pipeline' "$work/cost.txt" || fail "cost --all printed no ladder"
step "npx stagekit cost --all --from out"
npx --no-install stagekit cost --all --summary --from out > /dev/null
step "npx stagekit advise and report --from out (the report's SVG renderer is a file of its own in the package)"
npx --no-install stagekit advise --from out --months 12 | grep -q 'Fits today' || fail "advise printed no advice"
npx --no-install stagekit report --from out --out out/report.html
grep -q '<svg' out/report.html || fail "report.html has no chart or diagram"

step "every export loads (CommonJS) and the constructs synthesize in a user's app"
cat > check.js <<'JS'
const assert = require('assert');
const root = require('stagekit');
assert.strictEqual(root.STAGES.length, 5);
for (const sub of ['stagekit/plan', 'stagekit/aws', 'stagekit/k8s', 'stagekit/k8s/crds', 'stagekit/cost', 'stagekit/blueprints']) {
  const m = require(sub);
  assert.ok(Object.keys(m).length > 0, `${sub} exports nothing`);
}
require('stagekit/profile.schema.json');
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const sns = require('aws-cdk-lib/aws-sns');
const { Template } = require('aws-cdk-lib/assertions');
const { DatabaseShard, SqsWorkQueue } = require('stagekit/aws');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'User', { env: { region: 'eu-central-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc');
const topic = new sns.Topic(stack, 'Pager');
new DatabaseShard(stack, 'Db', { vpc, alarms: topic, readReplicas: 1 });
new SqsWorkQueue(stack, 'Jobs', { alarms: topic });
const t = Template.fromStack(stack);
const alarms = Object.values(t.toJSON().Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
assert.ok(alarms.length > 0);
for (const a of alarms) assert.deepStrictEqual(a.Properties.AlarmActions, [{ Ref: stack.getLogicalId(topic.node.defaultChild) }]);
const cdk8s = require('cdk8s');
const { WebApp } = require('stagekit/k8s');
const chart = new cdk8s.Chart(new cdk8s.App(), 'web', { namespace: 'shop' });
new WebApp(chart, 'web', { product: 'shop', image: 'nginxinc/nginx-unprivileged:1.27-alpine' });
assert.ok(chart.toJson().some((o) => o.kind === 'Deployment'));
console.log(`exports load; ${alarms.length} alarms page the user's topic`);
JS
node check.js

# --- the examples, each its own project on the packed tarball -------------------------------------
install_example() {
  local name="$1"
  step "examples/$name: install"
  mkdir -p "$work/examples"
  cp -r "$root/examples/$name" "$work/examples/$name"
  cd "$work/examples/$name"
  rm -rf node_modules cdk.out dist package-lock.json
  npm pkg set "dependencies.stagekit=file:$tarball"
  npm install --no-audit --no-fund --prefer-offline --loglevel=error
  [ ! -e node_modules/tsx ] || fail "$name: tsx installed: the package must run compiled code"
}
one_copy() {
  local copies
  copies="$(npm ls "$1" --all --parseable 2>/dev/null | sort -u | grep -c .)"
  [ "$copies" = 1 ] || fail "$2: expected one copy of $1, found $copies: $(npm ls "$1" --all 2>&1)"
}

floor="$(node -p "require('$root/package.json').peerDependencies['aws-cdk-lib'].replace(/^[\\^~>=]+/, '')")"
install_example aws-own-vpc
installed="$(node -p "require('aws-cdk-lib/package.json').version")"
[ "$installed" = "$floor" ] || fail "aws-own-vpc must run on the peer range's floor aws-cdk-lib $floor, got $installed (examples/aws-own-vpc/package.json)"
one_copy aws-cdk-lib aws-own-vpc
step "examples/aws-own-vpc: type-check, synthesize (aws-cdk-lib $installed), assert"
npx --no-install tsc -p .
node app.js
node check.js

install_example cdk-init-app
one_copy aws-cdk-lib cdk-init-app
step "examples/cdk-init-app: type-check, synthesize with ts-node (as cdk.json's app does), assert"
npx --no-install tsc --noEmit
resolved="$(node -p "require.resolve('stagekit/aws')")"
[[ "$resolved" == *.js ]] || fail "stagekit/aws resolves to $resolved, not compiled JavaScript"
CDK_OUTDIR=cdk.out npx --no-install ts-node --prefer-ts-exts bin/app.ts
node -e '
const assert = require("assert");
const t = require("./cdk.out/CdkInitAppStack.template.json");
const types = Object.values(t.Resources).map((r) => r.Type);
for (const type of ["AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::AutoScaling::AutoScalingGroup", "AWS::SQS::Queue", "AWS::SNS::Topic"]) assert.ok(types.includes(type), "no " + type);
const topic = Object.keys(t.Resources).find((id) => t.Resources[id].Type === "AWS::SNS::Topic");
const alarms = Object.entries(t.Resources).filter(([, r]) => r.Type === "AWS::CloudWatch::Alarm");
for (const [id, a] of alarms) assert.deepStrictEqual(a.Properties.AlarmActions, [{ Ref: topic }], id + " pages nobody");
console.log("cdk-init-app: " + types.length + " resources, " + alarms.length + " alarms on the AlarmTopic");
'

install_example k8s-chart
one_copy cdk8s k8s-chart
step "examples/k8s-chart: type-check, synthesize, assert"
npx --no-install tsc -p .
node main.js
node check.js

printf '\npackage test passed (%s)\n' "$(basename "$tarball")"
exit 0
}
