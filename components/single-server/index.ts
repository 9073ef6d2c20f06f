import { loadOnFirstCall, StageComponent } from '../component';

/** One VM (AWS) or one-pod stores (Kubernetes) running Postgres and Redis beside the app. */
export const singleServer: StageComponent = {
  id: 'single-server',
  // Also past the first stage: AWS keeps the server beside split-tier while its data moves (keepSingleServer).
  applies: () => true,
  aws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).singleServerAws),
  k8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).singleServerK8s),
  postK8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).singleServerPostK8s),
};
