import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { makeHandler } from '../../../functions/order-events';
import { lambdaContext } from '../../../local/server';
import { RecordingEventSink } from '../../../shared/adapters/memory/events';
import { eventOf } from '../../../shared/core/events';
import { noMetrics, silentLog } from '../../../shared/core/observability';
import { anOrder, at } from '../../support/orders';
import { itemRecord, orderRecord } from '../../support/stream';

const BASE = 'https://api.example';

const setUp = () => {
  const push = new RecordingEventSink('push');
  const webhook = new RecordingEventSink('webhook');
  const handler = makeHandler({
    sinks: [push, webhook],
    config: { publicBaseUrl: BASE },
    log: silentLog,
    metrics: noMetrics,
  });
  const invoke = (records: DynamoDBRecord[]) =>
    handler({ Records: records }, lambdaContext('test', 'order-events')) as Promise<DynamoDBBatchResponse>;
  return { push, webhook, invoke };
};

const sequenceOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

/** An order's life: created, accepted by ZaloPay, a bookkeeping write, paid. */
const creating = anOrder({ status: 'CREATING', version: 1 });
const pending = anOrder({ status: 'PENDING', version: 2 });
const rescheduled = anOrder({
  status: 'PENDING',
  version: 3,
  nextCheck: { attempt: 2, at: at(1300).toISOString() },
});
const paid = anOrder({ status: 'PAID', version: 4, updatedAt: at(60).toISOString(), nextCheck: undefined });
const life = [
  orderRecord(undefined, creating),
  orderRecord(creating, pending),
  orderRecord(pending, rescheduled),
  itemRecord({ pk: `ORDER#${paid.appTransId}`, sk: 'HISTORY#x' }, undefined, { kind: 'CALLBACK' }),
  orderRecord(rescheduled, paid),
];

describe('order-events: the change feed consumer (docs/events.md §1)', () => {
  it('makes one event per status change and hands it to every consumer; bookkeeping and history make none', async () => {
    const { push, webhook, invoke } = setUp();

    expect(await invoke(life)).toEqual({ batchItemFailures: [] });

    const expected = [eventOf(creating, pending, BASE), eventOf(rescheduled, paid, BASE)];
    expect(push.delivered).toEqual(expected);
    expect(webhook.delivered).toEqual(expected);
    expect(push.delivered.map((e) => [e.id, e.type])).toEqual([
      [`${paid.appTransId}.2`, 'order.pending'],
      [`${paid.appTransId}.4`, 'order.paid'],
    ]);
  });

  it('a consumer failing fails its record and every later one, so the stream resumes there in order', async () => {
    const { push, webhook, invoke } = setUp();
    webhook.failNext(new Error('queue down'));

    const response = await invoke(life);

    // The first event failed for the webhook: everything from it is reported, nothing after it tried.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(life.slice(1).map(sequenceOf));
    expect(push.delivered.map((e) => e.id)).toEqual([`${paid.appTransId}.2`]);
    expect(webhook.delivered).toEqual([]);

    // Redelivered from the failed record: the same event, the same id, to both (push sees it twice).
    expect(await invoke(life.slice(1))).toEqual({ batchItemFailures: [] });
    expect(push.delivered.map((e) => e.id)).toEqual([2, 2, 4].map((v) => `${paid.appTransId}.${v}`));
    expect(webhook.delivered.map((e) => e.id)).toEqual([2, 4].map((v) => `${paid.appTransId}.${v}`));
  });

  it('a batch that fails as a whole throws, so Lambda retries it and bisects it', async () => {
    const { push, invoke } = setUp();
    push.failNext(new Error('AppSync down'));
    await expect(invoke([orderRecord(creating, pending)])).rejects.toThrow(/All records failed/);
  });
});
