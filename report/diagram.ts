/**
 * Architecture diagrams drawn from what was synthesized: the stage's CloudFormation template gives the
 * parts (load balancer, app and worker fleets, the server, database shards with their primaries and
 * replicas, cache, queue or Kafka, NAT), the stage's AWS bill gives each part's monthly cost. Every
 * priced resource lands in exactly one part, so the parts add up to the bill. Rendered with D2.
 */
import type { Bill } from '../cost/model';

export interface DiagramPart {
  readonly id: string;
  readonly label: string;
  /** Resources (logical IDs) in this part. */
  readonly resources: string[];
  readonly monthlyCost: number;
  readonly shape?: 'cylinder' | 'queue' | 'person' | 'cloud' | 'rectangle' | 'page';
  /** Container id (database shards). */
  readonly parent?: string;
}

export interface Diagram {
  readonly parts: DiagramPart[];
  readonly edges: { readonly from: string; readonly to: string; readonly label?: string }[];
  /** D2 source. */
  readonly source: string;
  /** Shapes D2 draws: parts plus containers. */
  readonly shapeCount: number;
  /** Sum of the parts: equals the bill's total. */
  readonly totalMonthlyCost: number;
}

const money = (v: number) => `$${Math.round(v).toLocaleString('en-US')}/mo`;

function d2String(text: string): string {
  // Double-quoted D2 strings read \n as a line break; $ starts a substitution unless escaped.
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
}

interface Role {
  readonly id: string;
  readonly title: string;
  readonly shape?: DiagramPart['shape'];
  readonly parent?: string;
}

/** CDK appends an 8-character hash to each logical ID ("DatabaseShard9Replica1" + "4628025D"): the shard and replica numbers come before it. */
const SHARD_ID = /Shard(\d+)(Primary|Replica(\d+))(?:[0-9A-F]{8})?$/;

/** Beyond this many shards the diagram draws one group of shards (each role once, with its count) instead of one box per shard. */
export const MAX_SHARDS_DRAWN = 3;

interface Context {
  /** Shards drawn as one group. */
  readonly groupShards: boolean;
  /** Label of the operations labour line: what you run and what AWS runs. */
  readonly opsTitle: string;
}

/** Which part a template resource belongs to. */
function roleOf(logicalId: string, type: string, context: Context): Role {
  const aside = (id: string, title: string, shape?: DiagramPart['shape']): Role => ({ id: `around.${id}`, title, shape, parent: 'around' });
  if (type.startsWith('AWS::CloudWatch') || type.startsWith('AWS::Logs::') || type.startsWith('AWS::SNS::')) return aside('observability', 'Alarms, logs, dashboard');
  if (type.startsWith('AWS::ElasticLoadBalancingV2::')) return { id: 'lb', title: 'Load balancer' };
  if (/^SingleServer/.test(logicalId) || type === 'AWS::EC2::Instance') return { id: 'server', title: 'Server: app + Postgres + Redis' };
  if (/^Worker/i.test(logicalId)) return { id: 'workers', title: 'Workers' };
  if (type.startsWith('AWS::AutoScaling::') || (type === 'AWS::EC2::LaunchTemplate' && /^Web/.test(logicalId))) return { id: 'app', title: 'App servers' };
  const shard = SHARD_ID.exec(logicalId);
  if (type === 'AWS::RDS::DBInstance' && shard) {
    const group = context.groupShards ? 'db.shards' : `db.shard${shard[1]}`;
    return shard[2] === 'Primary' ? { id: `${group}.primary`, title: 'Primary + standby', shape: 'cylinder', parent: group } : { id: `${group}.replica${shard[3]}`, title: `Replica ${shard[3]}`, shape: 'cylinder', parent: group };
  }
  if (type.startsWith('AWS::RDS::')) return { id: 'db.shared', title: 'Parameters, subnets', parent: 'db' };
  if (type.startsWith('AWS::ElastiCache::')) return { id: 'cache', title: 'Cache (Valkey)', shape: 'cylinder' };
  if (type.startsWith('AWS::SQS::')) return { id: 'queue', title: 'Queue + dead letters (SQS)', shape: 'queue' };
  if (type.startsWith('AWS::MSK::')) return { id: 'queue', title: 'Kafka (MSK)', shape: 'queue' };
  if (type === 'AWS::EC2::NatGateway' || (type === 'AWS::EC2::EIP' && /PublicSubnet|Nat/i.test(logicalId))) return { id: 'nat', title: 'NAT gateways' };
  if (type === 'AWS::DataTransfer::Internet') return { id: 'internet', title: 'Users (internet egress)', shape: 'person' };
  if (type === 'AWS::DataTransfer::InterAZ') return aside('crossaz', 'Cross-zone traffic', 'cloud');
  if (type === 'labour') return aside('ops', context.opsTitle, 'page');
  return aside('other', 'Keys, secrets, DNS, buckets');
}

/** What the operations labour pays for, from what the template runs: the data systems on your server, or AWS's managed ones. */
export function operationsTitle(declared: Record<string, { Type?: string }>): string {
  const types = Object.entries(declared).map(([id, resource]) => ({ id, type: String(resource?.Type) }));
  if (types.some((r) => r.type === 'AWS::EC2::Instance' || /^SingleServer/.test(r.id))) return 'Operations: you run the server,\nits Postgres and Redis';
  const managed = [
    types.some((r) => r.type.startsWith('AWS::RDS::DB')) && 'Postgres',
    types.some((r) => r.type.startsWith('AWS::ElastiCache::')) && 'Valkey',
    types.some((r) => r.type.startsWith('AWS::MSK::')) && 'Kafka',
    types.some((r) => r.type.startsWith('AWS::SQS::')) && 'SQS',
  ].filter(Boolean) as string[];
  const list = managed.length > 1 ? `${managed.slice(0, -1).join(', ')} and ${managed[managed.length - 1]}` : managed[0];
  return managed.length ? `Operations: AWS runs ${list};\nyou run the app fleet and on-call` : 'Operations: you run the app fleet and on-call';
}

/** Instance class and storage of the database parts, read from the template (shards may differ: the first keeps the data it started with). */
function databaseDetail(logicalIds: readonly string[], declared: Record<string, any>, grouped: boolean): string | undefined {
  const properties = logicalIds.map((id) => declared[id]?.Properties ?? {});
  const classes = [...new Set(properties.map((p) => String(p.DBInstanceClass ?? '')).filter(Boolean))];
  const storage = properties.map((p) => Number(p.AllocatedStorage)).filter((v) => Number.isFinite(v) && v > 0);
  if (!classes.length) return undefined;
  const low = Math.min(...storage);
  const high = Math.max(...storage);
  const gib = storage.length ? (low === high ? `${low.toLocaleString('en-US')} GiB` : `${low.toLocaleString('en-US')}–${high.toLocaleString('en-US')} GiB`) : '';
  // A group's title carries the count ("13 × Primary + standby"): the sizes are each instance's.
  const each = grouped && logicalIds.length > 1 && storage.length > 1 ? ' each' : '';
  return [classes.join(' / '), gib && `${gib}${each}`].filter(Boolean).join(', ');
}

/** The diagram of one stage: parts from the template, costs from its AWS bill. */
export function stageDiagram(template: any, bill: Bill, stageSizes: Record<string, string> = {}): Diagram {
  // The template says what each resource is; the bill (priced from that template) says what it costs, plus the lines the engine adds (traffic, labour).
  const declared = template?.Resources ?? {};
  const shardNumbers = [
    ...new Set(bill.resources.filter((r) => declared[r.name]?.Type === 'AWS::RDS::DBInstance').map((r) => SHARD_ID.exec(r.name)?.[1]).filter((n): n is string => n !== undefined).map(Number)),
  ].sort((a, b) => a - b);
  const context: Context = { groupShards: shardNumbers.length > MAX_SHARDS_DRAWN, opsTitle: operationsTitle(declared) };
  const parts = new Map<string, { role: Role; resources: string[]; cost: number; count: Record<string, number> }>();
  const add = (role: Role, name: string, type: string, cost: number) => {
    const part = parts.get(role.id) ?? { role, resources: [], cost: 0, count: {} };
    part.resources.push(name);
    part.cost += cost;
    part.count[type] = (part.count[type] ?? 0) + 1;
    parts.set(role.id, part);
  };
  for (const resource of bill.resources) {
    const type: string = declared[resource.name]?.Type ?? resource.resourceType;
    add(roleOf(resource.name, type, context), resource.name, type, resource.monthlyCost ?? 0);
  }
  // Users always start the picture, even when egress is not on the bill.
  if (!parts.has('internet')) parts.set('internet', { role: { id: 'internet', title: 'Users', shape: 'person' }, resources: [], cost: 0, count: {} });

  const out: DiagramPart[] = [];
  for (const part of parts.values()) {
    const alarms = part.count['AWS::CloudWatch::Alarm'] ?? 0;
    const isShard = part.role.parent?.startsWith('db.shard');
    const detail = part.role.id === 'around.observability' && alarms ? `${alarms} alarms` : isShard ? databaseDetail(part.resources, declared, context.groupShards) : stageSizes[part.role.id];
    const title = isShard && context.groupShards ? `${part.resources.length} × ${part.role.title}` : part.role.title;
    out.push({ id: part.role.id, label: [title, detail, money(part.cost)].filter(Boolean).join('\n'), resources: part.resources, monthlyCost: part.cost, shape: part.role.shape, parent: part.role.parent });
  }
  const has = (id: string) => parts.has(id);
  const edges: Diagram['edges'] = [];
  const front = has('lb') ? 'lb' : has('server') ? 'server' : 'app';
  edges.push({ from: 'internet', to: front, label: 'HTTPS' });
  if (has('lb') && has('app')) edges.push({ from: 'lb', to: 'app' });
  const shards = [...new Set(out.filter((p) => p.parent?.startsWith('db.shard')).map((p) => p.parent!))].sort();
  for (const shard of shards) {
    edges.push({ from: 'app', to: `${shard}.primary`, label: shards.length > 1 || context.groupShards ? 'by shop_id' : 'reads + writes' });
    for (const rep of out.filter((p) => p.parent === shard && p.id !== `${shard}.primary`)) {
      edges.push({ from: `${shard}.primary`, to: rep.id, label: 'replication' });
      edges.push({ from: 'app', to: rep.id, label: 'reads' });
    }
  }
  if (has('cache')) edges.push({ from: 'app', to: 'cache', label: 'cached reads' });
  if (has('queue')) edges.push({ from: has('app') ? 'app' : front, to: 'queue', label: 'jobs' });
  if (has('workers') && has('queue')) edges.push({ from: 'queue', to: 'workers', label: 'consume' });
  if (has('workers') && shards.length) edges.push({ from: 'workers', to: `${shards[0]}.primary`, label: 'writes' });
  if (has('nat')) edges.push({ from: has('app') ? 'app' : front, to: 'nat', label: 'outbound' });

  const lines = ['direction: right', 'vars: { d2-config: { layout-engine: dagre } }'];
  const containers = new Set<string>();
  for (const part of out) {
    if (part.parent) {
      const segments = part.parent.split('.');
      for (let depth = 1; depth <= segments.length; depth++) containers.add(segments.slice(0, depth).join('.'));
    }
  }
  for (const container of [...containers].sort()) {
    const last = container.split('.').pop()!;
    const total = out.filter((p) => p.id.startsWith(`${container}.`)).reduce((s, p) => s + p.monthlyCost, 0);
    const title =
      last === 'db'
        ? `Postgres (RDS)\n${money(total)}`
        : last === 'around'
          ? 'Around the stage'
          : last === 'shards'
            ? `Shards ${shardNumbers[0]}–${shardNumbers[shardNumbers.length - 1]}: ${shardNumbers.length} shards by shop_id, drawn once\n${money(total)}`
            : `Shard ${last.replace('shard', '')}`;
    lines.push(`${container}: ${d2String(title)}`);
  }
  for (const part of out) {
    lines.push(`${part.id}: ${d2String(part.label)}${part.shape ? ` { shape: ${part.shape} }` : ''}`);
  }
  for (const edge of edges) lines.push(`${edge.from} -> ${edge.to}${edge.label ? `: ${d2String(edge.label)}` : ''}`);
  const total = out.reduce((s, p) => s + p.monthlyCost, 0);
  return { parts: out, edges, source: lines.join('\n'), shapeCount: out.length + containers.size, totalMonthlyCost: total };
}
