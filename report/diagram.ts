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

function d2String(s: string): string {
  // Double-quoted D2 strings read \n as a line break; $ starts a substitution unless escaped.
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
}

interface Role {
  readonly id: string;
  readonly title: string;
  readonly shape?: DiagramPart['shape'];
  readonly parent?: string;
}

/** Which part a template resource belongs to. */
function roleOf(logicalId: string, type: string): Role {
  const aside = (id: string, title: string, shape?: DiagramPart['shape']): Role => ({ id: `around.${id}`, title, shape, parent: 'around' });
  if (type.startsWith('AWS::CloudWatch') || type.startsWith('AWS::Logs::') || type.startsWith('AWS::SNS::')) return aside('observability', 'Alarms, logs, dashboard');
  if (type.startsWith('AWS::ElasticLoadBalancingV2::')) return { id: 'lb', title: 'Load balancer' };
  if (/^SingleServer/.test(logicalId) || type === 'AWS::EC2::Instance') return { id: 'server', title: 'Server: app + Postgres + Redis' };
  if (/^Worker/i.test(logicalId)) return { id: 'workers', title: 'Workers' };
  if (type.startsWith('AWS::AutoScaling::') || (type === 'AWS::EC2::LaunchTemplate' && /^Web/.test(logicalId))) return { id: 'app', title: 'App servers' };
  const shard = /Shard(\d+)(Primary|Replica(\d+))/.exec(logicalId);
  if (type === 'AWS::RDS::DBInstance' && shard) {
    const n = shard[1];
    return shard[2] === 'Primary' ? { id: `db.shard${n}.primary`, title: 'Primary + standby', shape: 'cylinder', parent: `db.shard${n}` } : { id: `db.shard${n}.replica${shard[3]}`, title: `Replica ${shard[3]}`, shape: 'cylinder', parent: `db.shard${n}` };
  }
  if (type.startsWith('AWS::RDS::')) return { id: 'db.shared', title: 'Parameters, subnets', parent: 'db' };
  if (type.startsWith('AWS::ElastiCache::')) return { id: 'cache', title: 'Cache (Valkey)', shape: 'cylinder' };
  if (type.startsWith('AWS::SQS::')) return { id: 'queue', title: 'Queue + dead letters (SQS)', shape: 'queue' };
  if (type.startsWith('AWS::MSK::')) return { id: 'queue', title: 'Kafka (MSK)', shape: 'queue' };
  if (type === 'AWS::EC2::NatGateway' || (type === 'AWS::EC2::EIP' && /PublicSubnet|Nat/i.test(logicalId))) return { id: 'nat', title: 'NAT gateways' };
  if (type === 'AWS::DataTransfer::Internet') return { id: 'internet', title: 'Users (internet egress)', shape: 'person' };
  if (type === 'AWS::DataTransfer::InterAZ') return aside('crossaz', 'Cross-zone traffic', 'cloud');
  if (type === 'labour') return aside('ops', 'Operations (you run Postgres and Redis)', 'page');
  return aside('other', 'Keys, secrets, DNS, buckets');
}

/** The diagram of one stage: parts from the template, costs from its AWS bill. */
export function stageDiagram(template: any, bill: Bill, stageSizes: Record<string, string> = {}): Diagram {
  // The template says what each resource is; the bill (priced from that template) says what it costs, plus the lines the engine adds (traffic, labour).
  const declared = template?.Resources ?? {};
  const parts = new Map<string, { role: Role; resources: string[]; cost: number; count: Record<string, number> }>();
  const add = (role: Role, name: string, type: string, cost: number) => {
    const part = parts.get(role.id) ?? { role, resources: [], cost: 0, count: {} };
    part.resources.push(name);
    part.cost += cost;
    part.count[type] = (part.count[type] ?? 0) + 1;
    parts.set(role.id, part);
  };
  for (const r of bill.resources) {
    const type: string = declared[r.name]?.Type ?? r.resourceType;
    add(roleOf(r.name, type), r.name, type, r.monthlyCost ?? 0);
  }
  // Users always start the picture, even when egress is not on the bill.
  if (!parts.has('internet')) parts.set('internet', { role: { id: 'internet', title: 'Users', shape: 'person' }, resources: [], cost: 0, count: {} });

  const out: DiagramPart[] = [];
  for (const p of parts.values()) {
    const size = stageSizes[p.role.id];
    const alarms = p.count['AWS::CloudWatch::Alarm'] ?? 0;
    const detail = p.role.id === 'around.observability' && alarms ? `${alarms} alarms` : size;
    out.push({ id: p.role.id, label: [p.role.title, detail, money(p.cost)].filter(Boolean).join('\n'), resources: p.resources, monthlyCost: p.cost, shape: p.role.shape, parent: p.role.parent });
  }
  const has = (id: string) => parts.has(id);
  const edges: Diagram['edges'] = [];
  const front = has('lb') ? 'lb' : has('server') ? 'server' : 'app';
  edges.push({ from: 'internet', to: front, label: 'HTTPS' });
  if (has('lb') && has('app')) edges.push({ from: 'lb', to: 'app' });
  const shards = [...new Set(out.filter((p) => p.parent?.startsWith('db.shard')).map((p) => p.parent!))].sort();
  for (const s of shards) {
    edges.push({ from: 'app', to: `${s}.primary`, label: shards.length > 1 ? 'by shop_id' : 'reads + writes' });
    for (const rep of out.filter((p) => p.parent === s && p.id !== `${s}.primary`)) {
      edges.push({ from: `${s}.primary`, to: rep.id, label: 'replication' });
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
  for (const p of out) {
    if (p.parent) {
      const segments = p.parent.split('.');
      for (let i = 1; i <= segments.length; i++) containers.add(segments.slice(0, i).join('.'));
    }
  }
  for (const c of [...containers].sort()) {
    const last = c.split('.').pop()!;
    const total = out.filter((p) => p.id.startsWith(`${c}.`)).reduce((s, p) => s + p.monthlyCost, 0);
    const title = last === 'db' ? `Postgres (RDS)\n${money(total)}` : last === 'around' ? 'Around the stage' : `Shard ${last.replace('shard', '')}`;
    lines.push(`${c}: ${d2String(title)}`);
  }
  for (const p of out) {
    lines.push(`${p.id}: ${d2String(p.label)}${p.shape ? ` { shape: ${p.shape} }` : ''}`);
  }
  for (const e of edges) lines.push(`${e.from} -> ${e.to}${e.label ? `: ${d2String(e.label)}` : ''}`);
  const total = out.reduce((s, p) => s + p.monthlyCost, 0);
  return { parts: out, edges, source: lines.join('\n'), shapeCount: out.length + containers.size, totalMonthlyCost: total };
}
