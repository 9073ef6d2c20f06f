/**
 * Speed of the pricing engine, synthesis excluded: every stage of the ladder priced for every provider (AWS,
 * EKS, and self-hosted on Hetzner, OVH and Scaleway) plus a stage diff, timed over several runs after the
 * stages are synthesized once (or read from a directory `stagekit synth` wrote).
 * Usage: npx tsx bench/cost.ts [--runs N] [--profile FILE] [--from DIR]
 */
import { computePlan } from '../core/plan';
import { DEFAULT_PROFILE_FILE, loadProfile } from '../core/profile';
import { STAGE_NAMES } from '../core/ladder';
import { stageRenderer } from '../blueprints/render';
import { captureConsole } from '../terminal/output';
import { arg, median } from './util';
import { clearCatalogCache } from '../cost/catalog';
import { priceSelfHosted } from '../cost/k8s/self-hosted';
import { diffStages, priceArtifacts, stageArtifacts } from '../cost/stage';
import { usageFromPlan } from '../cost/usage';



const runs = Number(arg('runs', '10'));
const from = arg('from', undefined);
const profile = loadProfile(arg('profile', DEFAULT_PROFILE_FILE));
const renderer = from ? undefined : stageRenderer();

const t0 = performance.now();
const stages = STAGE_NAMES.map((stage) => {
  const plan = computePlan(profile, stage);
  return { plan, ...captureConsole(() => stageArtifacts(plan, from, renderer)).result };
});
const synthMs = performance.now() - t0;

/** One pass: 5 stages × (AWS, EKS, Hetzner) + OVH and Scaleway for each stage + the read-replicas → sharded diff. */
function pass(): { bills: number; ms: number } {
  const started = performance.now();
  let bills = 0;
  const priced = stages.map((stage) => {
    const bill = priceArtifacts(stage.plan, stage.template, stage.objects);
    bills += 3;
    for (const provider of ['ovh', 'scaleway'] as const) {
      priceSelfHosted(stage.objects, { provider, zones: stage.plan.zones, usage: usageFromPlan(stage.plan) });
      bills += 1;
    }
    return bill;
  });
  diffStages(priced[2], priced[3]);
  return { bills, ms: performance.now() - started };
}

clearCatalogCache();
const cold = pass(); // includes reading and parsing the catalog
const warm: number[] = [];
for (let run = 0; run < runs; run++) warm.push(pass().ms);

const resources = stages.reduce((n, s) => n + Object.keys(s.template.Resources ?? {}).length + s.objects.length, 0);
process.stdout.write(`profile ${profile.name}: ${stages.length} stages, ${resources} CloudFormation resources + Kubernetes objects\n`);
process.stdout.write(`synthesis (${from ? `read from ${from}` : 'in-process, once'}): ${(synthMs / 1000).toFixed(1)} s — not counted below\n`);
process.stdout.write(`pricing ${cold.bills} bills + 1 stage diff: first run ${cold.ms.toFixed(0)} ms (catalog load included), then median ${median(warm).toFixed(0)} ms, max ${Math.max(...warm).toFixed(0)} ms over ${runs} runs\n`);
process.stdout.write(`${cold.ms < 1000 ? 'OK' : 'SLOW'}: the ladder for every provider plus a diff ${cold.ms < 1000 ? 'prices in under' : 'takes more than'} 1 s after synthesis\n`);
