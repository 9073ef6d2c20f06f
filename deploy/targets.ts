import type { Target } from '../blueprints/synth';

export const TARGET_TITLES: Record<Target, string> = { aws: 'AWS', k8s: 'Kubernetes' };
