/** Amazon SQS: requests of the work queues (jobs × send/receive/delete + long polls); dead-letter queues idle. */
import { resource } from '../../model';
import { count } from '../../usage';
import { usageLine } from '../context';
import { bool } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const sqsQueue = handler({
  types: ['AWS::SQS::Queue'],
  read: (t, _id, r) => ({ fifo: bool(t, props(r).FifoQueue) ?? false }),
  price(ctx, id, type, { fifo }) {
    const prices = ctx.catalog.sqs(ctx.region);
    const price = fifo ? prices.fifoPerMillion : prices.standardPerMillion;
    if (ctx.roles.deadLetterQueues.has(id)) {
      return resource(id, type, [usageLine(`Requests (${fifo ? 'FIFO' : 'standard'})`, '1M requests', ctx.usage ? 0 : undefined, price, 'a dead-letter queue only sees the jobs that fail every retry: assumed none')]);
    }
    const usage = ctx.usage;
    const queues = Math.max(1, ctx.roles.workQueues.length);
    const polls = usage ? Math.max(usage.minWorkers, 1) * (30 * 86400) / 20 : 0;
    const requests = usage ? (usage.jobsPerMonth * 3) / queues + polls : undefined;
    return resource(id, type, [
      usageLine(
        `Requests (${fifo ? 'FIFO' : 'standard'})`,
        '1M requests',
        requests === undefined ? undefined : requests / 1e6,
        price,
        usage ? `${count(usage.jobsPerMonth)} jobs/month${queues > 1 ? ` over ${queues} queues` : ''} × 3 requests (send, receive, delete), unbatched, + ${count(polls)} long-poll receives (${Math.max(usage.minWorkers, 1)} worker(s), one per 20 s)` : '',
      ),
    ]);
  },
});

export const sqsService: ServiceHandlers = {
  service: 'SQS',
  handlers: [sqsQueue],
  free: { 'AWS::SQS::QueuePolicy': 'no charge' },
};
