import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Clock } from '../shared/core/clock';
import type { EventEnvelope } from '../shared/core/events';
import type { Log, Metrics } from '../shared/core/observability';
import { afterFailedAttempt, type WebhookRetryPolicy } from '../shared/core/webhooks';

export interface Deps {
  sender: { send(event: EventEnvelope): Promise<number> };
  queue: {
    retryLater(receiptHandle: string, delaySeconds: number): Promise<void>;
    deadLetter(body: string, why: { eventId: string; reason: string; attempts: number }): Promise<void>;
  };
  policy: WebhookRetryPolicy;
  clock: Clock;
  log: Log;
  metrics: Metrics;
}

/** Enough of the envelope to deliver it and to say which event it was; the body is sent as it came. */
const envelope = z.object({
  id: z.string().check(z.minLength(1)),
  type: z.string(),
  data: z.object({ order: z.object({ appTransId: z.string() }) }),
});

/** A delivery failed and will be tried again once its message is visible. */
export class WebhookRetryLaterError extends Error {
  override readonly name = 'WebhookRetryLaterError';
}

const deliverOne = async (deps: Deps, record: SQSRecord): Promise<void> => {
  let event: EventEnvelope;
  try {
    event = envelope.parse(JSON.parse(record.body)) as EventEnvelope;
  } catch {
    // Nothing we sent: retrying cannot help, keep it for a person.
    deps.log.error('webhook message is not an order event', { messageId: record.messageId });
    await deps.queue.deadLetter(record.body, {
      eventId: 'unknown',
      reason: 'not an order event',
      attempts: 0,
    });
    deps.metrics.count('WebhookDeadLettered');
    return;
  }
  const attempts = Number(record.attributes.ApproximateReceiveCount) || 1;
  try {
    const status = await deps.sender.send(event);
    deps.metrics.count('WebhookDelivered');
    deps.log.info('webhook delivered', { eventId: event.id, status, attempts });
    return;
  } catch (error) {
    deps.metrics.count('WebhookFailed');
    const reason = (error as Error).message;
    // The message was sent when the event was first enqueued (or replayed): the window runs from there.
    const firstAttemptAt = new Date(Number(record.attributes.SentTimestamp));
    const next = afterFailedAttempt(deps.policy, attempts, firstAttemptAt, deps.clock());
    if (next.kind === 'dead-letter') {
      await deps.queue.deadLetter(record.body, { eventId: event.id, reason, attempts });
      deps.metrics.count('WebhookDeadLettered');
      deps.log.error('webhook dead-lettered after its retries', { eventId: event.id, attempts, reason });
      return;
    }
    await deps.queue.retryLater(record.receiptHandle, next.delaySeconds);
    deps.log.warn('webhook failed, will retry', { eventId: event.id, attempts, reason, ...next });
    throw new WebhookRetryLaterError(`${event.id}: ${reason}`);
  }
};

/**
 * Delivers the merchant webhook from its SQS queue (docs/events.md §3), one signed POST per
 * message. A failure hides the message until the retry policy's next attempt
 * (shared/core/webhooks.ts) and reports it failed, so SQS keeps it; once the window since it was
 * enqueued is over, the message goes to the dead-letter queue unchanged (replayable, same id) and
 * leaves the delivery queue. Messages of one batch are delivered in parallel: events of one order
 * carry their version in `webhook-id` for receivers to ignore an older one.
 */
export const makeHandler = (deps: Deps) => {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event, context) =>
    processPartialResponse(event, (record: SQSRecord) => deliverOne(deps, record), processor, {
      context,
      // A whole batch failing is normal here (a receiver down): each message already has its delay.
      throwOnFullBatchFailure: false,
    }),
  );
};
