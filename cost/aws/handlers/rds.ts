/** RDS: database instances and read replicas (PostgreSQL, MySQL, MariaDB), their storage, provisioned IOPS and backups; Aurora clusters (aurora.ts). */
import { PriceNotFound, type Price, type RdsDeployment, type RdsEngine } from '../../catalog';
import { CostComponent, HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { count, gib } from '../../usage';
import { AwsContext, committed, lookup, priced, usageLine } from '../context';
import { bool, num, referencedResource, str } from '../template';
import { RDS_CALENDAR, rdsMajorVersion, supportPhase, thirdYearBegins } from '../support-calendar';
import { auroraCluster, auroraInstanceLines, readAuroraInstance } from './aurora';
import { handler, props, ServiceHandlers } from './types';

/** RDS gp3 baseline for PostgreSQL: 3,000 IOPS / 125 MiB/s below 400 GiB, 12,000 / 500 from 400 GiB. */
function rdsGp3Baseline(storageGiB: number): { iops: number; throughput: number } {
  return storageGiB >= 400 ? { iops: 12000, throughput: 500 } : { iops: 3000, throughput: 125 };
}

/** Engines with an RDS price map in the catalog, by CloudFormation's Engine value. */
const PRICED_ENGINES: Record<string, { key: RdsEngine; label: string }> = {
  postgres: { key: 'postgres', label: 'PostgreSQL' },
  mysql: { key: 'mysql', label: 'MySQL' },
  mariadb: { key: 'mariadb', label: 'MariaDB' },
};

function rdsStorageLines(ctx: AwsContext, deployment: RdsDeployment, storageType: string, size: number, iops?: number, throughput?: number, engine: RdsEngine = 'postgres'): CostComponent[] {
  const storagePrices = ctx.catalog.rdsStorage(ctx.region, deployment, engine);
  const copies = deployment === 'multi-az' ? ' (both copies, Multi-AZ)' : '';
  const need = (price: Price | undefined, what: string): Price => {
    if (!price) throw new Error(`no RDS ${what} price for ${deployment} in ${ctx.region}`);
    return price;
  };
  switch (storageType) {
    case 'gp3': {
      const base = rdsGp3Baseline(size);
      const lines = [priced(`Storage (gp3, ${size} GiB)${copies}`, 'GB-months', size, need(storagePrices.gp3PerGbMonth, 'gp3 storage'))];
      if (iops !== undefined && iops > base.iops) lines.push(priced(`Provisioned IOPS above the ${count(base.iops)} baseline (gp3)`, 'IOPS-months', iops - base.iops, need(storagePrices.gp3IopsPerMonth, 'gp3 IOPS')));
      if (throughput !== undefined && throughput > base.throughput) lines.push(priced(`Throughput above ${base.throughput} MiB/s (gp3)`, 'MBps-months', throughput - base.throughput, need(storagePrices.gp3ThroughputPerMbpsMonth, 'gp3 throughput')));
      return lines;
    }
    case 'gp2':
      return [priced(`Storage (gp2, ${size} GiB)${copies}`, 'GB-months', size, need(storagePrices.gp2PerGbMonth, 'gp2 storage'))];
    case 'io1':
      return [
        priced(`Storage (io1, ${size} GiB)${copies}`, 'GB-months', size, need(storagePrices.io1PerGbMonth, 'io1 storage')),
        priced('Provisioned IOPS (io1)', 'IOPS-months', iops ?? 0, need(storagePrices.io1IopsPerMonth, 'io1 IOPS')),
      ];
    default:
      return [unpricedComponent(`Storage (${storageType}, ${size} GiB)`, 'GB-months', `no RDS ${storageType} storage price in the catalog`)];
  }
}

/**
 * RDS Extended Support: a surcharge per vCPU-hour once the major version is past the RDS end of standard support
 * (PostgreSQL and MySQL only), years 1-2 and year 3 at their own rates, the standby of a Multi-AZ instance
 * included. No line while the version is in standard support, when the template opts out, or when it names no
 * version (RDS then creates the current default).
 */
function extendedSupportLines(ctx: AwsContext, engine: RdsEngine, instanceClass: string, multiAz: boolean, version: string | undefined, disabled: boolean): CostComponent[] {
  if (engine === 'mariadb' || !version || disabled) return [];
  const major = rdsMajorVersion(engine, version);
  const window = RDS_CALENDAR[engine][major];
  const name = `RDS Extended Support (${engine === 'postgres' ? 'PostgreSQL' : 'MySQL'} ${major})`;
  const phase = supportPhase(RDS_CALENDAR[engine], major, ctx.asOf);
  if (phase === 'standard') return [];
  if (!window) return [unpricedComponent(name, 'vCPU-hours', `version ${major} is not in the RDS release calendar`)];
  if (phase === 'past-extended') return [];
  return lookup(name, 'vCPU-hours', () => {
    const bands = ctx.catalog.rdsExtendedSupport(ctx.region, engine, major);
    const third = thirdYearBegins(window);
    const inThirdYear = ctx.asOf >= third;
    const instances = multiAz ? 2 : 1;
    const vcpus = ctx.catalog.rdsVcpu(ctx.region, engine, instanceClass) * instances;
    return priced(
      `${name}, ${inThirdYear ? 'year 3' : 'years 1-2'}`,
      'vCPU-hours',
      vcpus * HOURS_PER_MONTH,
      inThirdYear ? bands.year3 : bands.years1To2,
      `standard support of ${major} ended ${window.endOfStandard}; year 3 from ${third}; ${vcpus} vCPU${multiAz ? ' (the Multi-AZ standby is charged too)' : ''}; opt out with EngineLifecycleSupport`,
    );
  });
}

export const rdsInstance = handler({
  types: ['AWS::RDS::DBInstance'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    const source = properties.SourceDBInstanceIdentifier ? referencedResource(template, properties.SourceDBInstanceIdentifier, ['AWS::RDS::DBInstance']) : undefined;
    const sourceProps = source?.resource.Properties ?? {};
    const isReplica = properties.SourceDBInstanceIdentifier !== undefined;
    return {
      instanceClass: str(template, properties.DBInstanceClass),
      engine: (str(template, properties.Engine) ?? str(template, sourceProps.Engine) ?? (properties.DBClusterIdentifier ? 'aurora' : 'unknown')).toLowerCase(),
      isReplica,
      sourceId: source?.id,
      multiAz: bool(template, properties.MultiAZ) ?? false,
      storageGiB: num(template, properties.AllocatedStorage) ?? num(template, sourceProps.AllocatedStorage),
      storageType: str(template, properties.StorageType) ?? (properties.Iops !== undefined ? 'io1' : isReplica ? (str(template, sourceProps.StorageType) ?? 'gp2') : 'gp2'),
      iops: num(template, properties.Iops) ?? (isReplica ? num(template, sourceProps.Iops) : undefined),
      throughput: num(template, properties.StorageThroughput),
      backupRetentionDays: num(template, properties.BackupRetentionPeriod) ?? (isReplica ? 0 : 1),
      engineVersion: str(template, properties.EngineVersion) ?? (isReplica ? str(template, sourceProps.EngineVersion) : undefined),
      extendedSupportDisabled: str(template, properties.EngineLifecycleSupport) === 'open-source-rds-extended-support-disabled',
      aurora: properties.DBClusterIdentifier !== undefined ? readAuroraInstance(template, properties, (str(template, properties.Engine) ?? 'aurora').toLowerCase()) : undefined,
    };
  },
  price(ctx, id, type, spec) {
    const { instanceClass, engine, isReplica, multiAz } = spec;
    const deployment: RdsDeployment = multiAz ? 'multi-az' : 'single-az';
    const role = isReplica ? 'Read replica' : 'Database instance';
    if (spec.aurora) return resource(id, type, auroraInstanceLines(ctx, spec.aurora), 'a member of an Aurora cluster: storage and I/O are billed on the cluster');
    const priced_ = PRICED_ENGINES[engine];
    if (!priced_) return resource(id, type, [unpricedComponent(`${role} (${engine})`, 'hours', `the catalog prices RDS for PostgreSQL, MySQL and MariaDB only, not ${engine}`)]);
    if (!instanceClass) return resource(id, type, [unpricedComponent(role, 'hours', 'DBInstanceClass is not a literal')]);
    const lines: CostComponent[] = lookup(`${role} (${instanceClass})`, 'hours', () => {
      const label = `${role} (${priced_.label}, ${instanceClass}, ${multiAz ? 'Multi-AZ' : 'Single-AZ'}`;
      const onDemand = ctx.catalog.rdsHourly(ctx.region, priced_.key, instanceClass, deployment);
      if (!ctx.commitment) return priced(`${label})`, 'hours', HOURS_PER_MONTH, onDemand);
      return committed(
        () => {
          if (priced_.key !== 'postgres') throw new PriceNotFound(`RDS for ${priced_.label} reserved instance`, `${instanceClass} in ${ctx.region}`, 'only the PostgreSQL RI maps are vendored');
          return ctx.catalog.rdsPostgresReservedHourly(ctx.region, instanceClass, deployment, ctx.commitment!);
        },
        (reserved) => priced(`${label}, reserved ${ctx.commitment} no upfront)`, 'hours', HOURS_PER_MONTH, reserved, `RDS reserved instance, ${ctx.commitment === '1y' ? '1 year' : '3 years'}, no upfront: $${reserved.usd}/h against $${reserved.onDemandUsd}/h on-demand in the same price map`),
        (why) => priced(`${label}, on-demand)`, 'hours', HOURS_PER_MONTH, onDemand, `no ${ctx.commitment} no-upfront reservation priced (${why}): on-demand`),
      );
    });
    const size = spec.storageGiB;
    if (size === undefined) lines.push(unpricedComponent('Storage', 'GB-months', 'AllocatedStorage is not a literal (nor on the source instance)'));
    else lines.push(...lookup('Storage', 'GB-months', () => rdsStorageLines(ctx, deployment, spec.storageType, size, spec.iops, spec.throughput, priced_.key)));
    const retention = spec.backupRetentionDays;
    if (retention > 0 && size !== undefined) {
      lines.push(
        ...lookup('Backup storage', 'GB-months', () => {
          const price = ctx.catalog.rdsStorage(ctx.region, deployment, priced_.key).backupPerGbMonth;
          if (!ctx.usage) return usageLine('Backup storage beyond the free allowance', 'GB-months', undefined, price, '');
          const usage = ctx.usage;
          const primaries = Math.max(1, ctx.roles.databases.primaries);
          const data = usage.datasetGiB / primaries;
          const daily = usage.writeGiBPerMonth / primaries / 30;
          const backup = data + daily * retention;
          return usageLine(
            'Backup storage beyond the free allowance',
            'GB-months',
            Math.max(0, backup - size),
            price,
            `${retention} days of backups ≈ ${gib(data)} of data + ${retention} × ${daily.toFixed(1)} GiB/day of changes = ${gib(backup)}; free up to the ${size} GiB provisioned`,
          );
        }, true),
      );
    }
    lines.push(...extendedSupportLines(ctx, priced_.key, instanceClass, multiAz, spec.engineVersion, spec.extendedSupportDisabled));
    return resource(
      id,
      type,
      lines,
      isReplica ? `replica of ${spec.sourceId ?? 'another instance'}; replication traffic in one region is free` : multiAz ? 'Multi-AZ: a synchronous standby in another zone, billed as a second instance and storage copy' : undefined,
    );
  },
});

export const rdsService: ServiceHandlers = {
  service: 'RDS',
  handlers: [rdsInstance, auroraCluster],
  free: Object.fromEntries(['DBSubnetGroup', 'DBParameterGroup', 'DBClusterParameterGroup', 'OptionGroup'].map((t) => [`AWS::RDS::${t}`, 'no charge'])),
  notPriced: {
    'AWS::RDS::DBProxy': 'RDS Proxy prices are not in the catalog',
  },
};
