import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { describeValue } from '../../core/errors';
import { Shape } from '../../core/sizes';

/** Throws `<Construct>: <prop> expects <expected>, got <value>` unless `ok`: bad props fail at construction, not at apply. */
export function checkProp(construct: string, prop: string, ok: boolean, expected: string, value: unknown): void {
  if (!ok) throw new Error(`${construct}: ${prop} expects ${expected}, got ${describeValue(value)}`);
}

export const isWhole = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** An RFC 1123 DNS label: what Kubernetes accepts as a name of most objects and as a label value here. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkName(construct: string, prop: string, value: unknown): void {
  checkProp(construct, prop, typeof value === 'string' && DNS_LABEL.test(value), 'a DNS label (lower-case letters, digits and hyphens, at most 63 characters)', value);
}

export function checkImage(construct: string, prop: string, value: unknown): void {
  checkProp(construct, prop, typeof value === 'string' && /^[^\s]+$/.test(value) && value.length <= 4096, 'a container image reference such as ghcr.io/acme/app:1.2.3', value);
}

export function checkPort(construct: string, prop: string, value: unknown): void {
  checkProp(construct, prop, isWhole(value, 1, 65535), 'a port number from 1 to 65535', value);
}

export function checkShape(construct: string, prop: string, shape: Shape): void {
  checkProp(construct, `${prop}.vcpu`, typeof shape?.vcpu === 'number' && shape.vcpu >= 0.01 && shape.vcpu <= 512, 'vCPUs from 0.01 to 512', shape?.vcpu);
  checkProp(construct, `${prop}.memoryGiB`, typeof shape?.memoryGiB === 'number' && shape.memoryGiB >= 0.03 && shape.memoryGiB <= 4096, 'GiB from 0.03 to 4096', shape?.memoryGiB);
}

/** The props every stagekit workload checks alike: its product and name, container image, port, health path and shape. */
export function checkWorkload(construct: string, props: { product: string; name?: string; image: string; port: number; healthCheckPath: string; shape: Shape }): void {
  checkName(construct, 'product', props.product);
  if (props.name !== undefined) checkName(construct, 'name', props.name);
  checkImage(construct, 'image', props.image);
  checkPort(construct, 'port', props.port);
  checkProp(construct, 'healthCheckPath', props.healthCheckPath.startsWith('/'), "an HTTP path starting with '/'", props.healthCheckPath);
  checkShape(construct, 'shape', props.shape);
}

/** Puts every object under `scope` in `namespace` (by default they inherit the chart's). */
export function inNamespace(scope: Construct, construct: string, namespace: string | undefined): void {
  if (namespace === undefined) return;
  checkName(construct, 'namespace', namespace);
  for (const child of scope.node.findAll()) {
    if (child instanceof ApiObject) child.addJsonPatch(JsonPatch.add('/metadata/namespace', namespace));
  }
}
