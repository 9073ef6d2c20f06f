import { StageComponent } from '../component';
import { webAws } from './aws';
import { webK8s } from './k8s';

/** The app's web tier on every stage (on AWS's single server the instance runs it). */
export const web: StageComponent = {
  id: 'web',
  applies: () => true,
  aws: webAws,
  k8s: webK8s,
};
