/**
 * What stagekit last deployed to a namespace, kept in the namespace itself: the Kubernetes
 * counterpart of CloudFormation's deployed template. A ConfigMap carries the stage, the profile
 * and the applied manifest (gzipped: a stage is tens to hundreds of kB of YAML, a ConfigMap holds 1 MiB).
 */
import * as zlib from 'zlib';
import type { StageName } from '../../core/ladder';
import { KubeObject } from './objects';

export const RECORD_NAME = 'stagekit-deployment';
const MANIFEST_KEY = 'manifest.json.gz';

export interface DeploymentRecord {
  readonly stage: StageName;
  readonly profile: string;
  readonly deployedAt: string;
  readonly objects: KubeObject[];
}

export function recordConfigMap(namespace: string, record: DeploymentRecord): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: RECORD_NAME,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'stagekit', 'app.kubernetes.io/part-of': namespace },
      annotations: {
        'stagekit.dev/stage': record.stage,
        'stagekit.dev/profile': record.profile,
        'stagekit.dev/deployed-at': record.deployedAt,
        'stagekit.dev/purpose': 'what stagekit deploy applied last; read by the next deploy to check the move is safe',
      },
    },
    binaryData: { [MANIFEST_KEY]: zlib.gzipSync(JSON.stringify(record.objects)).toString('base64') },
  };
}

/** Reads a record from the ConfigMap's live JSON; undefined when it is not one of ours. */
export function parseRecord(configMap: any): DeploymentRecord | undefined {
  const annotations = configMap?.metadata?.annotations ?? {};
  const data = configMap?.binaryData?.[MANIFEST_KEY];
  if (!annotations['stagekit.dev/stage'] || !data) return undefined;
  return {
    stage: annotations['stagekit.dev/stage'],
    profile: annotations['stagekit.dev/profile'] ?? '',
    deployedAt: annotations['stagekit.dev/deployed-at'] ?? '',
    objects: JSON.parse(zlib.gunzipSync(Buffer.from(data, 'base64')).toString('utf8')),
  };
}
