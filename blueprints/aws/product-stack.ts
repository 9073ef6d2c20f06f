import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { Plan } from '../../core/plan';
import { Network } from '../../constructs/aws/network';
import { SingleServer } from '../../constructs/aws/single-server';
import { StageObservability } from '../../constructs/aws/stage-observability';

export interface ProductStackProps extends StackProps {
  readonly plan: Plan;
}

/**
 * One stack per product. The stage decides what is in it; construct IDs never depend on
 * the stage, so every resource keeps its logical ID as the product climbs the ladder and
 * CloudFormation updates it in place.
 */
export class ProductStack extends Stack {
  readonly plan: Plan;
  readonly observability: StageObservability;
  readonly network: Network;

  constructor(scope: Construct, id: string, props: ProductStackProps) {
    super(scope, id, props);
    const { plan } = props;
    this.plan = plan;
    Tags.of(this).add('stagekit:product', plan.product);
    Tags.of(this).add('stagekit:stage', plan.stage);

    this.observability = new StageObservability(this, 'Observability', {
      dashboardName: `${plan.product}-${plan.stage}`,
      alarmEmail: plan.observability.alarmEmail,
    });
    const alarmTopic = this.observability.alarmTopic;
    this.network = new Network(this, 'Network', { zones: plan.zones, privateTiers: plan.stage !== 'single-server' });

    if (plan.server) {
      const server = new SingleServer(this, 'SingleServer', {
        vpc: this.network.vpc,
        alarms: alarmTopic,
        instanceType: plan.server.instance.name,
        dataVolumeGiB: plan.server.dataVolumeGiB,
        snapshotRetentionDays: plan.server.snapshotRetentionDays,
        appImage: plan.app.image,
        appPort: plan.app.port,
        postgresMemoryGiB: plan.server.postgresShape.memoryGiB,
        redisMemoryGiB: plan.server.redisShape.memoryGiB,
        cpuAlarmPercent: plan.observability.cpuAlarmPercent,
        diskUsedAlarmPercent: plan.observability.diskUsedAlarmPercent,
      });
      const id = server.instance.instanceId;
      this.observability.addRow(
        'Single server',
        new cloudwatch.GraphWidget({ title: 'CPU %', left: [new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: id } })], width: 12 }),
        new cloudwatch.GraphWidget({ title: 'Data disk used %', left: [new cloudwatch.Metric({ namespace: 'CWAgent', metricName: 'disk_used_percent', dimensionsMap: { InstanceId: id, path: '/data' } })], width: 12 }),
      );
      this.observability.addRow('Alarms', StageObservability.alarmStatus('Single server alarms', server.alarms));
    }
  }
}
