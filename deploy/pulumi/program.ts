/**
 * The Pulumi program for the Kubernetes rendering of a stage: the same cdk8s objects that
 * `stagekit deploy --target k8s` applies with kubectl, registered as one `yaml.v2.ConfigGroup`
 * per apply phase, each depending on the one before, so Pulumi creates them in the same
 * dependency order (namespace, configuration, data services, services, workloads, autoscalers and
 * monitors). Objects whose readiness kubectl deploy waits for carry `pulumi.com/waitFor`, so Pulumi
 * waits for the same conditions.
 *
 * The password of a generated secret (postgres-credentials) is stack configuration, set once as a
 * Pulumi secret by the engine, so every update renders the same value.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { apiGroup, KubeObject, objectsByPhase } from '../k8s/objects';
import { generatedSecretManifest, secretsToGenerate } from '../k8s/secrets';
import { K8sStageProgramInput, secretConfigKey, WAIT_FOR } from './stage-input';

export type { K8sStageProgramInput };


export function withWaitFor(kubeObject: KubeObject): KubeObject {
  const waitFor = WAIT_FOR[`${apiGroup(kubeObject.apiVersion)}/${kubeObject.kind}`];
  if (!waitFor) return kubeObject;
  return { ...kubeObject, metadata: { ...kubeObject.metadata, annotations: { ...(kubeObject.metadata.annotations ?? {}), 'pulumi.com/waitFor': waitFor } } };
}

export interface DeclaredStage {
  readonly provider: k8s.Provider;
  readonly secrets: k8s.core.v1.Secret[];
  readonly groups: { phase: string; group: k8s.yaml.v2.ConfigGroup; objects: number }[];
}

/** Declares the stage's resources in the current Pulumi program (called by the inline program, and by tests under mocks). */
export function declareK8sStage(input: K8sStageProgramInput): DeclaredStage {
  const config = new pulumi.Config();
  const provider = new k8s.Provider('cluster', { context: input.context, enableServerSideApply: true });
  const phases = objectsByPhase(input.objects.map(withWaitFor));
  const groups: DeclaredStage['groups'] = [];
  const secrets: k8s.core.v1.Secret[] = [];
  let previous: pulumi.Resource[] = [];
  let secretsDeclared = false;
  for (const { phase, objects } of phases) {
    // Generated secrets right after the namespace, before anything that mounts them (as kubectl deploy does).
    if (phase !== 'namespace' && !secretsDeclared) {
      secretsDeclared = true;
      for (const secret of secretsToGenerate(input.objects)) {
        const manifest = generatedSecretManifest(input.product, secret, '');
        secrets.push(
          new k8s.core.v1.Secret(
            `${input.product}-${secret.name}`,
            { metadata: manifest.metadata, type: 'Opaque', stringData: { [secret.key]: config.requireSecret(secretConfigKey(secret.name)) } },
            // Retained when it leaves the program: deleting a database password locks the app out of its data.
            { provider, dependsOn: previous, retainOnDelete: true },
          ),
        );
      }
      previous = [...previous, ...secrets];
    }
    const group = new k8s.yaml.v2.ConfigGroup(`${input.product}-${phase}`, { objs: objects }, { provider, dependsOn: previous });
    groups.push({ phase, group, objects: objects.length });
    previous = [group];
  }
  return { provider, secrets, groups };
}

/** The inline program the Automation API runs. */
export function k8sStageProgram(input: K8sStageProgramInput): () => Promise<Record<string, unknown>> {
  return async () => {
    const declared = declareK8sStage(input);
    return {
      stage: input.stage,
      namespace: input.product,
      phases: declared.groups.map((g) => `${g.phase} (${g.objects})`),
      objects: input.objects.length,
    };
  };
}
