import { orderEventsSettings } from '../../shared/adapters/aws/settings';
import type { EventSink } from '../../shared/core/ports/events';
import { makeHandler } from '../order-events';
import { eventBusSink } from './lib/event-bus';
import { metered, metrics } from './lib/metrics';
import { pushPublisher } from './lib/push';
import { config, logger } from './lib/runtime';
import { webhookQueue } from './lib/webhook-queue';

const { webhookQueueUrl } = orderEventsSettings(process.env);

/** Every consumer the stack configured: the buyer push, the webhook queue (with `webhookUrl`), the bus. */
const candidates: (EventSink | undefined)[] = [
  pushPublisher,
  webhookQueueUrl ? webhookQueue({ queueUrl: webhookQueueUrl }) : undefined,
  eventBusSink,
];
const sinks = candidates.filter((sink): sink is EventSink => Boolean(sink));

/** The orders table's DynamoDB stream (event source mapping, partial batch responses). */
export const handler = metered(makeHandler({ sinks, config, log: logger, metrics }));
