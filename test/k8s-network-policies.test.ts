/**
 * NetworkPolicies: default deny in and out, then one allow per real flow. Checked by
 * evaluating the policies (constructs/k8s/policy-checks.ts) against the pods the manifests
 * lead to, including the pods and Services operators create from the custom resources.
 */
import { DEFAULT_ENVIRONMENT, K8S_NAMES } from '../blueprints/k8s/names';
import { Endpoint, Labels, ModeledPod, modeledPods, modeledServices, NetworkPolicyModel, podsOfService } from './support/policy-checks';
import { STAGE_NAMES } from '../core/ladder';
import { k8sObjects, stagePlan } from './support/stages';

const env = DEFAULT_ENVIRONMENT;
const OTHER_NAMESPACES = [env.ingressNamespace, env.monitoringNamespace, env.cnpgNamespace, env.strimziNamespace, env.redisOperatorNamespace, env.kedaNamespace];
const API_SERVER = { ip: '10.96.0.1' };

/** `host[:port]` targets the pods of `deployment` are configured to connect to, from their environment. */
function connectionTargets(objects: any[], deployment: any): Array<{ variable: string; host: string; port: number }> {
  const env: Record<string, string> = Object.fromEntries(deployment.spec.template.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
  const targets: Array<{ variable: string; host: string; port: number }> = [];
  for (const [variable, value] of Object.entries(env)) {
    if (!/_(HOST|ADDRESSES|SERVERS)$/.test(variable)) continue;
    const defaultPort = Number(env[variable.replace(/_((DIRECT|READ)_)?HOST$/, '_PORT')]);
    for (const entry of value.split(',')) {
      const [host, port] = entry.split(':');
      targets.push({ variable, host, port: port ? Number(port) : defaultPort });
    }
  }
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === K8S_NAMES.shardMap);
  if (map) {
    const doc = JSON.parse(map.data['shard-map.json']);
    for (const shard of doc.shards) for (const role of ['writer', 'reader', 'direct']) targets.push({ variable: `shard ${shard.id} ${role}`, host: shard[role], port: doc.port });
  }
  return targets;
}

describe.each(STAGE_NAMES)('%s', (stage) => {
  const objects = k8sObjects(stage);
  const ns = stagePlan(stage).product;
  const model = new NetworkPolicyModel(objects);
  const pods = modeledPods(objects);
  const services = modeledServices(objects);
  const at = (labels: Labels) => ({ namespace: ns, labels });
  const fromNamespace = (namespace: string): Endpoint => ({ namespace, labels: {} });
  const podsWhere = (match: (p: ModeledPod) => boolean) => {
    const found = pods.filter(match);
    expect(found.length).toBeGreaterThan(0);
    return found;
  };
  const bySource = (pattern: RegExp) => podsWhere((p) => pattern.test(`${p.source} (${p.what})`));
  const expectFlow = (from: Endpoint, to: ModeledPod[], ports: number[], allowed = true) => {
    for (const pod of to) for (const port of ports) expect(`${JSON.stringify(from)} -> ${pod.source} (${pod.what}):${port} ${model.canConnect(from, at(pod.labels), port) ? 'allowed' : 'denied'}`).toMatch(new RegExp(`${allowed ? 'allowed' : 'denied'}$`));
  };

  test('a default-deny policy isolates every pod in both directions', () => {
    const deny = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const pod of pods) {
      expect(model.isolated(at(pod.labels), 'Ingress')).toBe(true);
      expect(model.isolated(at(pod.labels), 'Egress')).toBe(true);
    }
  });

  test('every pod resolves names (DNS) and is scraped from the monitoring namespace', () => {
    const dns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    for (const pod of pods) {
      expect(model.egressAllowedBy(at(pod.labels), dns, 53, 'UDP')).not.toEqual([]);
      expect(model.canConnect(fromNamespace(env.monitoringNamespace), at(pod.labels), 9187)).toBe(true);
    }
  });

  test("every Service's pods admit some client on the Service port (monitoring aside)", () => {
    const sources: Endpoint[] = [...pods.map((p) => at(p.labels)), ...OTHER_NAMESPACES.filter((n) => n !== env.monitoringNamespace).map(fromNamespace)];
    for (const service of services) {
      const behind = podsOfService(service, pods);
      expect(`${service.name}: ${behind.length} pod template(s)`).not.toMatch(/: 0 pod/);
      for (const pod of behind) {
        for (const port of service.ports) {
          const admitted = sources.some((s) => model.ingressAllowedBy(at(pod.labels), s, port).some((name) => name !== 'allow-monitoring-scrape'));
          expect(`${service.name} -> ${pod.source}:${port} ${admitted ? 'admits a client' : 'admits nobody'}`).toMatch(/admits a client$/);
        }
      }
    }
  });

  test('the app and the workers reach everything they are configured to connect to', () => {
    for (const deployment of objects.filter((o) => o.kind === 'Deployment' && [K8S_NAMES.web, K8S_NAMES.worker].includes(o.metadata.name))) {
      const from = at(deployment.spec.template.metadata.labels);
      const targets = connectionTargets(objects, deployment);
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        const service = services.find((s) => s.name === target.host.split('.')[0]);
        expect(`${target.variable}=${target.host}: ${service ? 'a known Service' : 'an unknown host'}`).toMatch(/a known Service$/);
        expect(service!.ports).toContain(target.port);
        for (const pod of podsOfService(service!, pods)) {
          expect(`${deployment.metadata.name} -> ${target.host}:${target.port} (${pod.source}) ${model.canConnect(from, at(pod.labels), target.port) ? 'allowed' : 'denied'}`).toMatch(/allowed$/);
        }
      }
    }
  });

  test('the ingress controller reaches the web pods, and nothing else', () => {
    const web = bySource(/^Deployment web /);
    expectFlow(fromNamespace(env.ingressNamespace), web, [stagePlan(stage).app.port]);
    expectFlow(fromNamespace(env.ingressNamespace), pods.filter((p) => !web.includes(p)), [5432, 6379, 9093, 8080], false);
  });

  test('nothing but operator agents reaches the API server', () => {
    for (const pod of pods) {
      const operatorRun = pod.automountToken === 'operator';
      expect(`${pod.source} (${pod.what}) -> API server ${model.canConnect(at(pod.labels), API_SERVER, 443) ? 'allowed' : 'denied'}`).toMatch(new RegExp(`${operatorRun ? 'allowed' : 'denied'}$`));
    }
  });

  if (stage === 'single-server') return;

  test('Postgres: instances replicate among themselves; the CNPG operator reaches the instance manager; backups reach the object store', () => {
    const instances = bySource(/^Cluster .* \(instances\)$/);
    for (const a of instances) expectFlow(at(a.labels), instances, [5432, 8000]);
    expectFlow(fromNamespace(env.cnpgNamespace), instances, [8000]);
    expectFlow(fromNamespace(env.cnpgNamespace), instances, [5432], false);
    for (const a of instances) expect(model.canConnect(at(a.labels), { ip: '52.216.0.10' }, 443)).toBe(true);
    expectFlow(at(bySource(/^Deployment web /)[0].labels), instances, [8000], false);
  });

  if (stage === 'split-tier') return;

  test('PgBouncer reaches Postgres; Sentinel and the replicas reach Redis; the redis operator reaches both', () => {
    const instances = bySource(/^Cluster .* \(instances\)$/);
    for (const pooler of bySource(/^Pooler /)) expectFlow(at(pooler.labels), instances, [5432]);
    const redis = bySource(/^RedisReplication /);
    const sentinels = bySource(/^RedisSentinel /);
    expectFlow(at(redis[0].labels), redis, [6379]);
    expectFlow(at(sentinels[0].labels), redis, [6379]);
    expectFlow(at(sentinels[0].labels), sentinels, [26379]);
    expectFlow(fromNamespace(env.redisOperatorNamespace), redis, [6379]);
    expectFlow(fromNamespace(env.redisOperatorNamespace), sentinels, [26379]);
    expectFlow(at(redis[0].labels), instances, [5432], false);
  });

  if (stage !== 'queue-pipeline') return;

  test('Kafka: nodes talk on the control-plane and replication ports; operators, exporter and KEDA reach what they need', () => {
    const nodes = bySource(/^KafkaNodePool /);
    const brokers = bySource(/^KafkaNodePool broker /);
    const controllers = bySource(/^KafkaNodePool controller /);
    for (const a of nodes) expectFlow(at(a.labels), nodes, [9090, 9091]);
    expectFlow(fromNamespace(env.strimziNamespace), nodes, [9090, 9091, 8443]);
    expectFlow(at(bySource(/entity operator/)[0].labels), brokers, [9091]);
    expectFlow(at(bySource(/kafka exporter/)[0].labels), brokers, [9091]);
    expectFlow(fromNamespace(env.kedaNamespace), brokers, [9093]);
    expectFlow(at(bySource(/^Deployment worker /)[0].labels), brokers, [9093]);
    expectFlow(at(bySource(/^Deployment web /)[0].labels), controllers, [9090, 9093], false);
    expectFlow(at(bySource(/^Deployment web /)[0].labels), brokers, [9091], false);
  });

  test("Strimzi's own listener policy admits only the same clients", () => {
    const kafka = objects.find((o) => o.kind === 'Kafka');
    const peers = kafka.spec.kafka.listeners[0].networkPolicyPeers;
    expect(peers).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': K8S_NAMES.web } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': K8S_NAMES.worker } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': env.kedaNamespace } } },
    ]);
  });
});
