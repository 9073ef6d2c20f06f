/** AWS Backup: snapshot storage of the volumes a plan selects, from the data in use and the daily changes. */
import { resource } from '../../model';
import { gib } from '../../usage';
import { usageLine } from '../context';
import { num, referencedIds } from '../template';
import { blockDevices } from './ec2';
import { handler, props, ServiceHandlers } from './types';

export const backupPlan = handler({
  types: ['AWS::Backup::BackupPlan'],
  read(template, id, cfnResource) {
    const rules: any[] = props(cfnResource).BackupPlan?.BackupPlanRule ?? [];
    const retentionDays = Math.max(0, ...rules.map((rule) => num(template, rule?.Lifecycle?.DeleteAfterDays) ?? 35));
    let volumeGiB = 0;
    for (const [, sel] of Object.entries(template.Resources ?? {})) {
      if (sel.Type !== 'AWS::Backup::BackupSelection' || !referencedIds(sel.Properties?.BackupPlanId).includes(id)) continue;
      for (const target of referencedIds(sel.Properties?.BackupSelection?.Resources)) {
        const res = template.Resources?.[target];
        if (res?.Type === 'AWS::EC2::Volume') volumeGiB += num(template, res.Properties?.Size) ?? 0;
        if (res?.Type === 'AWS::EC2::Instance') for (const device of blockDevices(template, res.Properties?.BlockDeviceMappings) ?? []) volumeGiB += device.sizeGiB;
      }
    }
    return { retentionDays, volumeGiB };
  },
  price(ctx, id, type, { retentionDays, volumeGiB }) {
    const price = ctx.catalog.ebs(ctx.region).snapshotPerGbMonth;
    const usage = ctx.usage;
    let gb: number | undefined;
    let assumption = '';
    if (usage) {
      const data = Math.min(usage.datasetGiB, volumeGiB || usage.datasetGiB) + 20;
      const daily = (usage.writeGiBPerMonth / 30) * 2;
      gb = data + daily * retentionDays;
      assumption = `incremental EBS snapshots: the data in use (${gib(data)}: dataset + OS) + ${retentionDays} days × ${daily.toFixed(1)} GiB/day of changed blocks (2 × the row-write volume)`;
    }
    return resource(id, type, [usageLine('Snapshot storage', 'GB-months', gb, price, assumption)], `daily snapshots kept ${retentionDays} days${volumeGiB ? ` of ${volumeGiB} GiB of volumes` : ''}`);
  },
});

export const backupService: ServiceHandlers = {
  service: 'AWS Backup',
  handlers: [backupPlan],
  free: { 'AWS::Backup::BackupVault': 'no charge', 'AWS::Backup::BackupSelection': 'no charge' },
};
