import { loadOnFirstCall, StageComponent } from '../component';

/** The app's web tier on every stage (on AWS's single server the instance runs it). */
export const web: StageComponent = {
  id: 'web',
  applies: () => true,
  aws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).webAws),
  k8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).webK8s),
};
