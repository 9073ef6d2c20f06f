import type { Target } from '../core/rendering';

export const TARGET_TITLES: Record<Target, string> = { aws: 'AWS', k8s: 'Kubernetes' };
