import { StageComponent } from '../component';
import { singleServerAws } from './aws';
import { singleServerK8s, singleServerPostK8s } from './k8s';

/** One VM (AWS) or one-pod stores (Kubernetes) running Postgres and Redis beside the app. */
export const singleServer: StageComponent = {
  id: 'single-server',
  // Also past the first stage: AWS keeps the server beside split-tier while its data moves (keepSingleServer).
  applies: () => true,
  aws: singleServerAws,
  k8s: singleServerK8s,
  postK8s: singleServerPostK8s,
};
