import { CfnOutputProps, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Chart } from 'cdk8s';
import { AppRole } from '../core/contract';
import { Plan, PlanLadder } from '../core/plan';
import { AlarmTopic } from '../constructs/aws/alarm-topic';
import { CacheCluster } from '../constructs/aws/cache-cluster';
import { KafkaPipeline } from '../constructs/aws/kafka-pipeline';
import { NatStrategy, Network } from '../constructs/aws/network';
import { ShardedPostgres } from '../constructs/aws/sharded-postgres';
import { SingleServer } from '../constructs/aws/single-server';
import { SloAlarms } from '../constructs/aws/slo-alarms';
import { SqsWorkQueue } from '../constructs/aws/sqs-work-queue';
import { StageObservability } from '../constructs/aws/stage-observability';
import { WebTier } from '../constructs/aws/web-tier';
import { WorkerFleet } from '../constructs/aws/worker-fleet';
import { RuleGroup } from '../constructs/k8s/monitoring';
import { NamespaceGuard, Peer } from '../constructs/k8s/network-policies';
import { WebApp } from '../constructs/k8s/web-app';
import type { ClusterEnvironment } from './names';

/**
 * One capability of a stage (web tier, database, cache, queue, CDN...), rendered for both
 * targets from the same plan, in the style of an EKS Blueprints add-on. `ProductStack` and
 * `ProductChart` run the components of `components/index.ts` in order: every `aws`/`k8s` first,
 * then every `postAws`/`postK8s` (as an add-on's `postDeploy`), for wiring that needs what a
 * later component built.
 */
export interface StageComponent {
  /** Short and stable: names the component's folder and its dashboard section. */
  readonly id: string;
  /** Whether the stage of this plan has the capability. */
  applies(plan: Plan): boolean;
  aws?(ctx: AwsContext): void;
  postAws?(ctx: AwsContext): void;
  k8s?(ctx: K8sContext): void;
  postK8s?(ctx: K8sContext): void;
  /** The capability's Prometheus alerts (Kubernetes; the AWS alarms live with its constructs). */
  ruleGroups?(plan: Plan): RuleGroup[];
}

/**
 * A renderer that loads its module on first call. A component's declaration (id, applies, rule groups) is read
 * by pricing and by the platform's Grafana dashboard, which never render it: loading every renderer pulls in
 * aws-cdk-lib and cdk8s-plus (about 0.25 s of every `stagekit cost`, and of every test file that prices).
 */
export function loadOnFirstCall<Context>(load: () => (ctx: Context) => void): (ctx: Context) => void {
  let render: ((ctx: Context) => void) | undefined;
  return (ctx) => {
    render ??= load();
    render(ctx);
  };
}

/** Deployment choices of the AWS rendering that are not sizes (see `ProductStackOptions`), resolved. */
export interface AwsStageOptions {
  readonly certificateArn?: string;
  readonly keepSingleServer: boolean;
  readonly natStrategy: NatStrategy;
  readonly activeShards: number;
  /** Shards in the product stack; the others go into nested stacks (constructs/aws/sharded-postgres.ts). */
  readonly shardsInParentStack: number;
}

/**
 * Where dashboard rows, the alarm-status list and stack outputs go. They are laid out by
 * section in `DASHBOARD_SECTIONS` order, not in the order components build them (the
 * database is built before the web tier that connects to it, but the dashboard shows the
 * web tier first). Rows added straight to `StageObservability` come before all of them.
 */
export const DASHBOARD_SECTIONS = ['service-level', 'web', 'database', 'cache', 'jobs', 'workers', 'single-server', 'cdn', 'alarms'] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];

export class StageDashboard {
  private readonly rows: Array<{ section: DashboardSection; title: string; widgets: cloudwatch.IWidget[] }> = [];
  private readonly watched: Array<{ section: DashboardSection; alarms: readonly cloudwatch.IAlarm[] }> = [];
  private readonly outputs: Array<{ section: DashboardSection; id: string; props: CfnOutputProps }> = [];

  addRow(section: DashboardSection, title: string, ...widgets: cloudwatch.IWidget[]): void {
    this.rows.push({ section, title, widgets });
  }
  /** Alarms shown in the stage's alarm-status row. */
  watch(section: DashboardSection, alarms: readonly cloudwatch.IAlarm[]): void {
    this.watched.push({ section, alarms });
  }
  addOutput(section: DashboardSection, id: string, props: CfnOutputProps): void {
    this.outputs.push({ section, id, props });
  }
  /** Every watched alarm, in section order. */
  alarms(): cloudwatch.IAlarm[] {
    return bySection(this.watched).flatMap((entry) => [...entry.alarms]);
  }
  /** Adds the rows to the dashboard and the outputs to the stack, in section order. */
  flush(stack: Stack, observability: StageObservability, newOutput: (stack: Stack, id: string, props: CfnOutputProps) => void): void {
    for (const row of bySection(this.rows)) observability.addRow(row.title, ...row.widgets);
    for (const output of bySection(this.outputs)) newOutput(stack, output.id, output.props);
  }
}

function bySection<T extends { section: DashboardSection }>(entries: readonly T[]): T[] {
  return DASHBOARD_SECTIONS.flatMap((section) => entries.filter((entry) => entry.section === section));
}

/** A fleet that runs the app image: what the data tier must let in and grant. */
export interface AppClient {
  readonly role: AppRole;
  readonly peer: ec2.IConnectable;
  readonly grantee: iam.IGrantable;
  /** Names the fleet in security group rule descriptions, e.g. `web fleet`. */
  readonly description: string;
}

/** What the app is told and given on AWS, filled by the components in list order. */
export interface AwsConnections {
  /** Contract variables (core/contract.ts) every app process gets. */
  readonly env: Record<string, string>;
  /** Contract variables only workers get. */
  readonly workerEnv: Record<string, string>;
  /** Network reach and data-tier grants for a fleet, in component order. */
  readonly reach: Array<(client: AppClient) => void>;
  /** Grants that follow reach (produce for the web, consume for workers). */
  readonly grants: Array<(client: AppClient) => void>;
}

/** What the AWS components built, for the components after them and for `ProductStack`'s properties. */
export interface AwsParts {
  singleServer?: SingleServer;
  zone?: route53.PrivateHostedZone;
  database?: ShardedPostgres;
  cache?: CacheCluster;
  jobQueue?: SqsWorkQueue;
  jobStream?: KafkaPipeline;
  web?: WebTier;
  workers?: WorkerFleet;
  slo?: SloAlarms;
  /** Whatever a component outside the built-in list wants to share, by its id. */
  readonly extra: Record<string, unknown>;
}

export interface AwsContext {
  readonly stack: Stack;
  readonly plan: Plan;
  /** The plan of every stage of the profile (what earlier stages built). */
  readonly ladder: PlanLadder;
  readonly options: AwsStageOptions;
  readonly network: Network;
  readonly observability: StageObservability;
  /** The alarm sink: every alarm notifies this topic. */
  readonly alarms: AlarmTopic;
  readonly logRetention: logs.RetentionDays;
  readonly dashboard: StageDashboard;
  readonly connections: AwsConnections;
  readonly parts: AwsParts;
}

/** What the app's pods (web and workers alike) are told and given on Kubernetes. */
export interface K8sConnections {
  readonly env: Record<string, string>;
  readonly secretEnv: Record<string, { secret: string; key: string }>;
  readonly secretFiles: Array<{ name: string; secret: string; mountPath: string }>;
  readonly configMapFiles: Array<{ name: string; configMap: string; mountPath: string }>;
}

/** What the Kubernetes components built. */
export interface K8sParts {
  web?: WebApp;
  readonly extra: Record<string, unknown>;
}

export interface K8sContext {
  readonly chart: Chart;
  readonly plan: Plan;
  readonly ladder: PlanLadder;
  readonly activeShards: number;
  readonly environment: ClusterEnvironment;
  /** The namespace guard: default deny, one NetworkPolicy per real flow. */
  readonly guard: NamespaceGuard;
  /** Labels Prometheus selects monitors and rules by. */
  readonly monitoring: { readonly labels?: Record<string, string> };
  readonly peers: { readonly web: Peer; readonly worker: Peer; /** Pods that run the app image. */ readonly clients: readonly Peer[] };
  readonly connections: K8sConnections;
  /** The stage's Prometheus rule groups: every applying component's `ruleGroups`, service level first. */
  readonly ruleGroups: readonly RuleGroup[];
  readonly parts: K8sParts;
}
