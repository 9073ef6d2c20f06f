import * as path from 'path';
import { computePlan } from '../core/plan';
import { loadProfile, parseProfile } from '../core/profile';
import { STAGE_NAMES } from '../core/ladder';
import { ROOT } from './support/paths';

const load = (name: string) => loadProfile(path.join(ROOT, 'profiles', `${name}.yaml`));
const growing = load('growing-product');

describe('sizing plan', () => {
  test('each stage keeps what the one before it has', () => {
    const plans = STAGE_NAMES.map((s) => computePlan(growing, s));
    expect(plans[0].server).toBeDefined();
    expect(plans[0].database).toBeUndefined();
    expect(plans[1].database?.standby).toBe(true);
    expect(plans[1].database?.readReplicas).toBe(0);
    expect(plans[2].database?.readReplicas).toBeGreaterThanOrEqual(1);
    expect(plans[2].cache).toBeDefined();
    expect(plans[3].database?.shards).toBeGreaterThanOrEqual(2);
    expect(plans[3].cache).toEqual(plans[2].cache);
    expect(plans[4].queue?.technology).toBe('sqs');
    expect(plans[4].database).toEqual(plans[3].database);
  });

  test('app servers carry peak load with one zone lost', () => {
    for (const profile of [growing, load('million-merchants')]) {
      const plan = computePlan(profile, 'split-tier');
      const a = profile.assumptions;
      const vcpuNeeded = profile.traffic.peakRequestsPerSecond / a.requestsPerSecondPerVcpu / a.targetCpuUtilization;
      const survivingVcpu = (plan.app.minCount * (plan.zones - 1)) / plan.zones * plan.app.instance.vcpu;
      expect(survivingVcpu).toBeGreaterThanOrEqual(vcpuNeeded);
      expect(plan.app.minCount % plan.zones).toBe(0);
      expect(plan.app.maxCount).toBe(plan.app.minCount * 2);
    }
  });

  test('three zones from a 99.95% SLO, two below, one for a single server', () => {
    expect(computePlan(load('million-merchants'), 'split-tier').zones).toBe(3);
    expect(computePlan(growing, 'split-tier').zones).toBe(2);
    expect(computePlan(growing, 'single-server').zones).toBe(1);
  });

  test('shard count follows the dataset and the write rate', () => {
    const big = computePlan(load('million-merchants'), 'sharded');
    // 8000 GiB growing 4%/month for 12 months is ~12,808 GiB; at most 1024 GiB per shard.
    expect(big.database?.shards).toBe(13);
    const writeHeavy = parseProfile({ ...growing, data: { ...growing.data, writesPerSecond: 20000 } });
    // 20,000 writes/s over 200 writes/s per vCPU x 16 vCPU x 60% = 10.4 -> 11 shards.
    expect(computePlan(writeHeavy, 'sharded').database?.shards).toBe(11);
  });

  test('replica lag alarm follows the staleness bound', () => {
    expect(computePlan(growing, 'read-replicas').database?.replicaLagAlarmSeconds).toBe(5);
    expect(computePlan(load('fresh-startup'), 'read-replicas').database?.replicaLagAlarmSeconds).toBe(1);
  });

  test('burn-rate thresholds are the SRE workbook multiples of the error budget', () => {
    const obs = computePlan(growing, 'split-tier').observability;
    expect(obs.errorBudget).toBeCloseTo(0.001, 6);
    expect(obs.burnRates.map((b) => [b.longWindowMinutes, b.shortWindowMinutes, b.errorRatioThreshold])).toEqual([
      [60, 5, 0.0144],
      [360, 30, 0.006],
    ]);
  });

  test('kafka brokers come in multiples of the zones, with one partition per worker at full scale', () => {
    const plan = computePlan(load('million-merchants'), 'queue-pipeline');
    const kafka = plan.queue!.kafka!;
    expect(kafka.brokers % plan.zones).toBe(0);
    expect(kafka.partitions).toBeGreaterThanOrEqual(plan.queue!.maxWorkers);
    expect(kafka.replicationFactor).toBe(3);
    expect((kafka.partitions * kafka.replicationFactor) / kafka.brokers).toBeLessThanOrEqual(kafka.broker.maxPartitionReplicas);
  });

  test('a single server warns when the profile outgrows it', () => {
    expect(computePlan(load('fresh-startup'), 'single-server').warnings).toEqual([]);
    expect(computePlan(load('million-merchants'), 'single-server').warnings.join('\n')).toContain('climb to split-tier');
  });

  test('pod shapes fit inside the machines they stand for', () => {
    const plan = computePlan(growing, 'queue-pipeline');
    expect(plan.app.podShape.vcpu).toBeLessThan(plan.app.instance.vcpu);
    expect(plan.app.podShape.memoryGiB).toBeLessThan(plan.app.instance.memoryGiB);
    const server = computePlan(growing, 'single-server').server!;
    const used = server.appShape.vcpu + server.postgresShape.vcpu + server.redisShape.vcpu;
    expect(used).toBeLessThanOrEqual(server.instance.vcpu);
  });
});
