/** Secrets Manager: a monthly charge per secret and per replica. */
import { resource } from '../../model';
import { priced } from '../context';
import { listLength } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const secret = handler({
  types: ['AWS::SecretsManager::Secret'],
  read: (_t, _id, r) => ({ replicas: listLength(props(r).ReplicaRegions) ?? 0 }),
  price(ctx, id, type, { replicas }) {
    const prices = ctx.catalog.secretsManager(ctx.region);
    return resource(id, type, [priced(`Secret${replicas ? ` + ${replicas} replica(s)` : ''}`, 'months', 1 + replicas, prices.perSecretMonth)], 'API calls ($0.05 per 10,000) are not modelled');
  },
});

export const secretsService: ServiceHandlers = {
  service: 'Secrets Manager',
  handlers: [secret],
  free: Object.fromEntries(['SecretTargetAttachment', 'RotationSchedule', 'ResourcePolicy'].map((t) => [`AWS::SecretsManager::${t}`, 'no charge'])),
};
