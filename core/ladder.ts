import { unknownChoice } from './errors';

/**
 * The growth ladder. Each stage keeps everything the previous one built and adds one
 * answer to the bottleneck that ended it. The "move on when" lines are the signals the
 * reference company watched; the numbers are where a default plan runs out of room.
 */
export const STAGE_NAMES = ['single-server', 'split-tier', 'read-replicas', 'sharded', 'queue-pipeline'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface Stage {
  readonly name: StageName;
  /** 1-based position on the ladder. */
  readonly step: number;
  readonly title: string;
  /** What this stage adds to the previous one. */
  readonly adds: string;
  /** The load this stage is built for. */
  readonly builtFor: string;
  /** When to climb to the next stage, and why. */
  readonly moveOnWhen: string;
}

export const STAGES: readonly Stage[] = [
  {
    name: 'single-server',
    step: 1,
    title: 'One server',
    adds: 'One VM runs the app, Postgres and Redis; encrypted data volume, daily snapshots, auto-recovery.',
    builtFor: 'Up to ~150 requests/s, a dataset under ~100 GiB, an SLO up to 99.5% (one machine, one zone).',
    moveOnWhen:
      'Deploys or a noisy job hurt the database (app and data share one CPU), the SLO needs 99.9% (a zone or host failure ' +
      'is an outage measured in hours), or the box is above 60% CPU at peak on the largest size you will pay for.',
  },
  {
    name: 'split-tier',
    step: 2,
    title: 'Split tier',
    adds: 'Load balancer, stateless app servers autoscaled across zones, managed Postgres with a synchronous standby.',
    builtFor: 'Reads and writes fit one primary (up to ~16 vCPU busy at peak); 99.9%-99.95% availability.',
    moveOnWhen:
      'The primary passes ~60% CPU at peak and most of that is reads (check pg_stat_statements), or read latency ' +
      'breaks the p99 target: reads scale out cheaply, writes do not.',
  },
  {
    name: 'read-replicas',
    step: 3,
    title: 'Read replicas and a cache',
    adds: 'Read replicas behind one reader hostname, a replicated Redis/Valkey cache, replica-lag alarms.',
    builtFor: 'Any read volume; writes up to what one primary sustains (~3,000-6,000 row writes/s on 32 vCPU).',
    moveOnWhen:
      'Writes saturate the primary, or the dataset heads past ~1-2 TiB so a rebuild or restore takes too long: ' +
      'no replica helps a write-bound or storage-bound primary.',
  },
  {
    name: 'sharded',
    step: 4,
    title: 'Shards',
    adds: 'K shard groups (a primary with replicas each, built like the read-replicas tier) and a published shard map.',
    builtFor: 'Writes and data split by a shard key (shop id): each shard stays within one primary and ~1 TiB.',
    moveOnWhen:
      'Requests do slow work inline (emails, webhooks, imports, payments), peaks of background work hurt request ' +
      'latency, or retries storm the database: move that work to a queue.',
  },
  {
    name: 'queue-pipeline',
    step: 5,
    title: 'Queue pipeline',
    adds: 'Async work through SQS or Kafka with a dead-letter path, workers scaled on backlog, queue age and lag alarms.',
    builtFor: 'Bursty background work decoupled from requests; workers scale on backlog, not on CPU.',
    moveOnWhen: 'Top of the ladder: from here, split services by domain and repeat the ladder per service.',
  },
];

export function stageByName(name: string): Stage {
  const stage = STAGES.find((s) => s.name === name);
  if (!stage) throw unknownChoice('stage', name, STAGE_NAMES);
  return stage;
}

/** True when `stage` is at or above `atLeast` on the ladder: a stage has all that came before it. */
export function reaches(stage: StageName, atLeast: StageName): boolean {
  return STAGE_NAMES.indexOf(stage) >= STAGE_NAMES.indexOf(atLeast);
}
