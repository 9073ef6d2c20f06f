/**
 * Secrets the manifests reference but must not contain (a password in a rendered manifest would
 * end up in git and in every CI log). Deploy creates them once, with a random value, and never
 * touches them again: a new password would lock the app out of existing data.
 */
import { randomBytes } from 'crypto';
import { KubeObject } from './objects';

export interface GeneratedSecret {
  readonly name: string;
  readonly key: string;
  readonly purpose: string;
}

export const GENERATED_SECRETS: readonly GeneratedSecret[] = [
  { name: 'postgres-credentials', key: 'password', purpose: 'password of the single-server Postgres superuser' },
  { name: 'cache-auth', key: 'password', purpose: 'password of the replicated Redis cache (Redis, Sentinel, exporter and web read it)' },
];

/** Names of Secrets the objects refer to (env secretKeyRef, envFrom secretRef, secret volumes). */
export function referencedSecrets(objects: readonly KubeObject[]): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, any>;
    for (const key of ['secretKeyRef', 'secretRef']) if (typeof record[key]?.name === 'string') names.add(record[key].name);
    if (typeof record.secret?.secretName === 'string') names.add(record.secret.secretName);
    Object.values(record).forEach(walk);
  };
  walk(objects);
  return names;
}

/** The generated secrets this manifest needs: referenced, and not defined by the manifest itself. */
export function secretsToGenerate(objects: readonly KubeObject[]): GeneratedSecret[] {
  const referenced = referencedSecrets(objects);
  const defined = new Set(objects.filter((o) => o.kind === 'Secret' && o.apiVersion === 'v1').map((o) => o.metadata.name));
  return GENERATED_SECRETS.filter((s) => referenced.has(s.name) && !defined.has(s.name));
}

export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

export function generatedSecretManifest(namespace: string, secret: GeneratedSecret, value: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: secret.name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'stagekit', 'app.kubernetes.io/part-of': namespace },
      annotations: { 'stagekit.dev/generated': `${secret.purpose}; created once by stagekit deploy, never rotated by it` },
    },
    stringData: { [secret.key]: value },
  };
}
