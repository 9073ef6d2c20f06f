import { StageComponent } from '../component';
import { cdnAws } from './aws';
import { cdnK8s } from './k8s';

/** A CDN in front of the web tier, turned on from the profile (`cdn: { enabled: true }`). */
export const cdn: StageComponent = {
  id: 'cdn',
  applies: (plan) => plan.profile.cdn?.enabled === true,
  aws: cdnAws,
  k8s: cdnK8s,
};
