import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AlarmTopic, SqsWorkQueue, WebTier } from 'stagekit/aws';
import { computePlan, loadProfile, DEFAULT_PROFILE_FILE } from 'stagekit';

/**
 * A `cdk init` stack using stagekit both ways: the sizing plan from a workload profile (the root
 * entry point) and the L3 constructs (`stagekit/aws`), all compiled JavaScript loaded under ts-node.
 */
export class AppStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const plan = computePlan(loadProfile(DEFAULT_PROFILE_FILE), 'split-tier');
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2 });
    const alarms = new AlarmTopic(this, 'Alarms', { email: 'oncall@example.com' });
    const web = new WebTier(this, 'Web', {
      vpc,
      alarms,
      image: plan.app.image,
      port: plan.app.port,
      healthCheckPath: plan.app.healthCheckPath,
      instanceType: plan.app.instance.name,
      minCapacity: plan.app.minCount,
      maxCapacity: plan.app.maxCount,
      allowHttp: true,
    });
    const jobs = new SqsWorkQueue(this, 'Jobs', { alarms });
    jobs.grantProduce(web.fleet.role);
    new cdk.CfnOutput(this, 'Url', { value: `http://${web.loadBalancer.loadBalancerDnsName}` });
  }
}
