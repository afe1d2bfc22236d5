import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { makeHandler } from '../../../functions/webhook-delivery';
import { lambdaContext } from '../../../local/server';
import { WebhookDeliveryError } from '../../../shared/adapters/webhook/sender';
import { type EventEnvelope, eventOf } from '../../../shared/core/events';
import { noMetrics, silentLog } from '../../../shared/core/observability';
import { DEFAULT_WEBHOOK_RETRY } from '../../../shared/core/webhooks';
import { anOrder, at, T0 } from '../../support/orders';

const event = eventOf(anOrder({ status: 'CREATING', version: 1 }), anOrder(), 'https://api.example')!;

/** An SQS record of the delivery queue, received `receives` times, first sent at T0. */
const message = (receives: number, body = JSON.stringify(event)): SQSRecord =>
  ({
    messageId: `m-${receives}`,
    receiptHandle: `r-${receives}`,
    body,
    attributes: { ApproximateReceiveCount: String(receives), SentTimestamp: String(T0.getTime()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:123456789012:webhooks',
    awsRegion: 'ap-southeast-1',
  }) as unknown as SQSRecord;

const setUp = (answer: (e: EventEnvelope) => Promise<number>, now: Date) => {
  const calls: string[] = [];
  const handler = makeHandler({
    sender: { send: async (e) => answer(e) },
    queue: {
      retryLater: async (handle, delay) => void calls.push(`retry ${handle} in ${delay} s`),
      deadLetter: async (body, why) =>
        void calls.push(
          `dead ${why.eventId} after ${why.attempts}: ${why.reason} (${body === JSON.stringify(event) ? 'same body' : body})`,
        ),
    },
    policy: DEFAULT_WEBHOOK_RETRY,
    clock: () => now,
    log: silentLog,
    metrics: noMetrics,
  });
  const invoke = (...records: SQSRecord[]) =>
    handler({ Records: records }, lambdaContext('t', 'webhook-delivery')) as Promise<SQSBatchResponse>;
  return { calls, invoke };
};

describe('webhook-delivery (docs/events.md §3)', () => {
  it('a delivered event leaves the queue', async () => {
    const { calls, invoke } = setUp(async () => 204, at(1));
    expect(await invoke(message(1))).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual([]);
  });

  it('a failed delivery is hidden until its next attempt, with a delay that grows with the attempts', async () => {
    const failing = async () => {
      throw new WebhookDeliveryError('answered HTTP 500', 500);
    };
    const { calls, invoke } = setUp(failing, at(600));
    expect(await invoke(message(1), message(2), message(5))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }, { itemIdentifier: 'm-5' }],
    });
    expect(calls.sort()).toEqual(['retry r-1 in 10 s', 'retry r-2 in 20 s', 'retry r-5 in 160 s']);
  });

  it('once 24 hours have passed since it was enqueued, a failed delivery is dead-lettered as it was', async () => {
    const { calls, invoke } = setUp(
      async () => {
        throw new WebhookDeliveryError('no answer within 10000 ms');
      },
      at(24 * 3600 + 5),
    );
    expect(await invoke(message(33))).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual([`dead ${event.id} after 33: no answer within 10000 ms (same body)`]);
  });

  it('a message that is no order event is dead-lettered at once', async () => {
    const { calls, invoke } = setUp(async () => 200, at(1));
    expect(await invoke(message(1, '{"hello":1}'))).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual(['dead unknown after 0: not an order event ({"hello":1})']);
  });
});
