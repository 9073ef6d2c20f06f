/** AWS KMS: a monthly charge per customer managed key (and per replica key). */
import { resource } from '../../model';
import { priced } from '../context';
import { bool } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const kmsKey = handler({
  types: ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'],
  read: (t, _id, r) => ({ rotation: bool(t, props(r).EnableKeyRotation) ?? false }),
  price: (ctx, id, type, { rotation }) =>
    resource(
      id,
      type,
      [priced('Customer managed key', 'months', 1, ctx.catalog.kms(ctx.region).perKeyMonth)],
      rotation ? 'rotation keeps older key material: AWS adds $1/month for each of the first two rotations' : undefined,
    ),
});

export const kmsService: ServiceHandlers = {
  service: 'KMS',
  handlers: [kmsKey],
  free: { 'AWS::KMS::Alias': 'no charge' },
};
