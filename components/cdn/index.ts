import { loadOnFirstCall, StageComponent } from '../component';

/** A CDN in front of the web tier, turned on from the profile (`cdn: { enabled: true }`). */
export const cdn: StageComponent = {
  id: 'cdn',
  applies: (plan) => plan.profile.cdn?.enabled === true,
  aws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).cdnAws),
  k8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).cdnK8s),
};
