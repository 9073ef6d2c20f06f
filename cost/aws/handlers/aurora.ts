/**
 * Aurora (PostgreSQL- and MySQL-compatible): the cluster's shared storage and I/O, and the instances of the cluster.
 * Priced for the Aurora Standard storage configuration where the catalog has it (us-east-1, see data/prices/SOURCES.md);
 * Aurora I/O-Optimized and other regions stay not priced, with the reason on the line; Serverless v2 members are
 * priced at their MinCapacity floor where the catalog has the ACU-hour (Aurora MySQL, us-east-1).
 */
import type { AuroraEngine } from '../../catalog/types';
import { component, CostComponent, HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { gib } from '../../usage';
import { AwsContext, lookup, priced, sourceOf, usageLine } from '../context';
import { CfnTemplate, num, referencedResource, str } from '../template';
import { handler, props } from './types';

const AURORA_ENGINES: Record<string, { key: AuroraEngine; label: string }> = {
  'aurora-postgresql': { key: 'aurora-postgresql', label: 'Aurora PostgreSQL' },
  'aurora-mysql': { key: 'aurora-mysql', label: 'Aurora MySQL' },
};

/** True for a cluster's StorageType naming the I/O-Optimized configuration. */
const isIoOptimized = (storageType: string | undefined) => storageType === 'aurora-iopt1';

/** Aurora clusters plus standalone RDS primaries: the databases the profile's dataset is split across. */
function databaseCount(template: CfnTemplate): number {
  const resources = Object.values(template.Resources ?? {});
  const clusters = resources.filter((r) => r.Type === 'AWS::RDS::DBCluster').length;
  const standalone = resources.filter((r) => r.Type === 'AWS::RDS::DBInstance' && !r.Properties?.DBClusterIdentifier && !r.Properties?.SourceDBInstanceIdentifier).length;
  return Math.max(1, clusters + standalone);
}

function clusterStorageLines(ctx: AwsContext, engine: AuroraEngine): CostComponent[] {
  return lookup('Storage (Aurora Standard)', 'GB-months', () => {
    const prices = ctx.catalog.auroraStorage(ctx.region, engine);
    const databases = databaseCount(ctx.template);
    const storedGiB = ctx.usage ? ctx.usage.datasetGiB / databases : undefined;
    return [
      usageLine(
        'Storage (Aurora Standard)',
        'GB-months',
        storedGiB,
        prices.perGbMonth,
        `Aurora bills the data stored, not an allocation: the profile's ${gib(ctx.usage?.datasetGiB ?? 0)} dataset${databases > 1 ? ` split over ${databases} databases` : ''} = ${gib(storedGiB ?? 0)}`,
      ),
      component({
        name: 'I/O requests (Aurora Standard)',
        unit: 'million requests',
        quantity: null,
        price: prices.ioPerMillion.usd,
        usageBased: true,
        priceSource: sourceOf(prices.ioPerMillion),
        assumption: 'storage I/O requests are not part of the workload profile: unit price shown, nothing counted',
      }),
    ];
  }, true);
}

export const auroraCluster = handler({
  types: ['AWS::RDS::DBCluster'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    return {
      engine: (str(template, properties.Engine) ?? 'unknown').toLowerCase(),
      storageType: str(template, properties.StorageType),
      engineMode: str(template, properties.EngineMode) ?? 'provisioned',
    };
  },
  price(ctx, id, type, spec) {
    const engine = AURORA_ENGINES[spec.engine];
    if (!engine) return resource(id, type, [unpricedComponent(`DB cluster (${spec.engine})`, 'hours', `Multi-AZ DB clusters of ${spec.engine} are not in the catalog (Aurora PostgreSQL and MySQL only)`)]);
    if (spec.engineMode === 'serverless') return resource(id, type, [unpricedComponent(`${engine.label} Serverless v1 capacity`, 'ACU-hours', 'Aurora Serverless v1 is not in the catalog')]);
    if (isIoOptimized(spec.storageType)) {
      return resource(id, type, [unpricedComponent(`Storage (${engine.label}, I/O-Optimized)`, 'GB-months', 'no dated source states the exact Aurora I/O-Optimized storage price (see data/prices/SOURCES.md)', true)]);
    }
    return resource(id, type, clusterStorageLines(ctx, engine.key), 'instances are priced on their AWS::RDS::DBInstance resources; backups beyond the free allowance are not modelled');
  },
});

/** The spec of an RDS instance that belongs to an Aurora cluster, read by rds.ts's DBInstance handler. */
export interface AuroraInstanceSpec {
  engine: string;
  instanceClass?: string;
  clusterStorageType?: string;
  /** The cluster's ServerlessV2ScalingConfiguration, for db.serverless members. */
  serverlessMinAcu?: number;
  serverlessMaxAcu?: number;
}

export function readAuroraInstance(template: CfnTemplate, properties: Record<string, any>, engine: string): AuroraInstanceSpec {
  const cluster = referencedResource(template, properties.DBClusterIdentifier, ['AWS::RDS::DBCluster']);
  const clusterProps = cluster?.resource.Properties ?? {};
  return {
    engine,
    instanceClass: str(template, properties.DBInstanceClass),
    clusterStorageType: str(template, clusterProps.StorageType),
    serverlessMinAcu: num(template, clusterProps.ServerlessV2ScalingConfiguration?.MinCapacity),
    serverlessMaxAcu: num(template, clusterProps.ServerlessV2ScalingConfiguration?.MaxCapacity),
  };
}

/**
 * A Serverless v2 member bills ACU-hours between the cluster's MinCapacity and MaxCapacity; the workload profile
 * does not model database load, so the line prices the floor (MinCapacity all month), a lower bound.
 */
function serverlessLines(ctx: AwsContext, engine: { key: AuroraEngine; label: string }, spec: AuroraInstanceSpec): CostComponent[] {
  const name = `${engine.label} Serverless v2 capacity`;
  if (isIoOptimized(spec.clusterStorageType)) return [unpricedComponent(`${name} (I/O-Optimized)`, 'ACU-hours', 'no dated source states the exact Aurora I/O-Optimized Serverless v2 price (see data/prices/SOURCES.md)', true)];
  const min = spec.serverlessMinAcu;
  if (min === undefined) return [unpricedComponent(name, 'ACU-hours', "the cluster's ServerlessV2ScalingConfiguration.MinCapacity is not a literal", true)];
  return lookup(name, 'ACU-hours', () => {
    const acuHour = ctx.catalog.auroraHourly(ctx.region, engine.key, 'db.serverless');
    const ceiling = spec.serverlessMaxAcu !== undefined ? ` up to MaxCapacity ${spec.serverlessMaxAcu} ACU` : '';
    return priced(
      `${name} (minimum ${min} ACU, Aurora Standard)`,
      'ACU-hours',
      min * HOURS_PER_MONTH,
      acuHour,
      `the floor: MinCapacity ${min} ACU all month; capacity scales${ceiling} with load, which the profile does not model, so this is a lower bound`,
    );
  });
}

/** Instance-hours of an Aurora cluster member (Aurora Standard, on-demand). */
export function auroraInstanceLines(ctx: AwsContext, spec: AuroraInstanceSpec): CostComponent[] {
  const engine = AURORA_ENGINES[spec.engine];
  if (!engine) return [unpricedComponent(`Cluster instance (${spec.engine})`, 'hours', `only Aurora PostgreSQL and MySQL cluster instances are in the catalog, not ${spec.engine}`)];
  const { instanceClass } = spec;
  if (!instanceClass) return [unpricedComponent(`${engine.label} instance`, 'hours', 'DBInstanceClass is not a literal')];
  if (instanceClass === 'db.serverless') return serverlessLines(ctx, engine, spec);
  if (isIoOptimized(spec.clusterStorageType)) {
    return [unpricedComponent(`${engine.label} instance (${instanceClass}, I/O-Optimized)`, 'hours', 'no dated source states Aurora I/O-Optimized instance prices (see data/prices/SOURCES.md)')];
  }
  return lookup(`${engine.label} instance (${instanceClass})`, 'hours', () => {
    const hourly = ctx.catalog.auroraHourly(ctx.region, engine.key, instanceClass);
    const onDemandNote = ctx.commitment ? `no Aurora ${ctx.commitment} reservation price in the catalog: on-demand` : undefined;
    return priced(`${engine.label} instance (${instanceClass}, Aurora Standard, on-demand)`, 'hours', HOURS_PER_MONTH, hourly, onDemandNote);
  });
}
