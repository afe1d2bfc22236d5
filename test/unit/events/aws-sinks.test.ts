import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { EVENT_SOURCE, EventBridgeSink } from '../../../shared/adapters/events/eventbridge';
import { SqsWebhookQueue } from '../../../shared/adapters/webhook/sqs';
import { SqsDeadLetters } from '../../../shared/adapters/webhook/sqs-dead-letters';
import { eventOf } from '../../../shared/core/events';
import { anOrder, at } from '../../support/orders';

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  eventBridge.reset();
  sqs.reset();
});

const paid = anOrder({ status: 'PAID', version: 3, updatedAt: at(30).toISOString() });
const event = eventOf(anOrder(), paid, 'https://api.example')!;
const BUS = 'arn:aws:events:ap-southeast-1:123456789012:event-bus/shop';
const QUEUE = 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/webhooks';
const DLQ = 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/webhook-dead-letters';

describe('EventBridgeSink (docs/events.md §4)', () => {
  const sink = () =>
    new EventBridgeSink({ client: new EventBridgeClient({ region: 'ap-southeast-1' }), eventBus: BUS });

  it('puts the envelope on the bus: source zalopay-qr, detail-type the type, at the time of the change', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    await sink().deliver(event);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Entries: [
          {
            EventBusName: BUS,
            Source: EVENT_SOURCE,
            DetailType: 'order.paid',
            Detail: JSON.stringify(event),
            Time: at(30),
          },
        ],
      },
    ]);
    expect(EVENT_SOURCE).toBe('zalopay-qr');
  });

  it('a refused entry throws, so the change feed retries the event', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    await expect(sink().deliver(event)).rejects.toThrow(
      `EventBridge refused ${event.id}: ThrottlingException slow down`,
    );
  });
});

describe('SqsWebhookQueue (docs/events.md §3)', () => {
  const queue = () =>
    new SqsWebhookQueue({
      client: new SQSClient({ region: 'ap-southeast-1' }),
      queueUrl: QUEUE,
      deadLetterQueueUrl: DLQ,
    });

  it('enqueues the envelope itself, so a replayed message is the same event', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    await queue().deliver(event);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        MessageBody: JSON.stringify(event),
        MessageAttributes: { eventId: { DataType: 'String', StringValue: event.id } },
      },
    ]);
  });

  it('retries later by hiding the message, in whole seconds within SQS’s 12 hours', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await queue().retryLater('r-1', 10.2);
    await queue().retryLater('r-2', 50 * 3600);
    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout),
    ).toEqual([11, 43_200]);
  });

  it('dead-letters the message unchanged, with why and after how many attempts', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'd' });
    await queue().deadLetter('{"body":1}', { eventId: event.id, reason: 'answered HTTP 500', attempts: 33 });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      MessageBody: '{"body":1}',
      MessageAttributes: {
        eventId: { DataType: 'String', StringValue: event.id },
        reason: { DataType: 'String', StringValue: 'answered HTTP 500' },
        attempts: { DataType: 'Number', StringValue: '33' },
      },
    });
  });
});

describe('SqsDeadLetters (docs/events.md §3)', () => {
  const dead = (e: typeof event, n: number) => ({
    MessageId: `m${n}`,
    ReceiptHandle: `r${n}`,
    Body: JSON.stringify(e),
    Attributes: { SentTimestamp: String(at(100 + n).getTime()) },
    MessageAttributes: {
      attempts: { DataType: 'Number', StringValue: '16' },
      reason: { DataType: 'String', StringValue: 'answered HTTP 500' },
    },
  });
  const OTHER = '261128_Other000000000000000000';
  const other = eventOf(
    anOrder({ appTransId: OTHER }),
    { ...paid, appTransId: OTHER },
    'https://api.example',
  )!;
  const letters = () =>
    new SqsDeadLetters({
      client: new SQSClient({ region: 'ap-southeast-1' }),
      queueUrl: QUEUE,
      deadLetterQueueUrl: DLQ,
    });
  const received = (...batches: ReturnType<typeof dead>[][]) => {
    const receive = sqs.on(ReceiveMessageCommand);
    for (const batch of batches) receive.resolvesOnce({ Messages: batch });
    receive.resolves({ Messages: [] });
  };

  it('lists by receiving, then makes every message it read visible again at once', async () => {
    received([dead(event, 1), dead(other, 2)]);
    const list = await letters().list(100);
    expect(list.map((d) => [d.event.id, d.attempts, d.lastError, d.deadLetteredAt])).toEqual([
      [event.id, 16, 'answered HTTP 500', at(101).toISOString()],
      [other.id, 16, 'answered HTTP 500', at(102).toISOString()],
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: DLQ,
      VisibilityTimeout: 30,
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: DLQ,
        Entries: [
          { Id: '0', ReceiptHandle: 'r1', VisibilityTimeout: 0 },
          { Id: '1', ReceiptHandle: 'r2', VisibilityTimeout: 0 },
        ],
      },
    ]);
  });

  it('replays the named event: sent to the delivery queue as it was, then deleted; the others released', async () => {
    received([dead(other, 2), dead(event, 1)]);
    expect(await letters().replay([event.id])).toEqual([event.id]);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        MessageBody: JSON.stringify(event),
        MessageAttributes: { eventId: { DataType: 'String', StringValue: event.id } },
      },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: DLQ, ReceiptHandle: 'r1' },
    ]);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'r2', VisibilityTimeout: 0 },
    ]);
  });

  it('a send that fails deletes nothing: the dead letter stays to be replayed again', async () => {
    received([dead(event, 1)]);
    sqs.on(SendMessageCommand).rejects(new Error('throttled'));
    await expect(letters().replay()).rejects.toThrow('throttled');
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('replays every one without ids, reading through the queue until it comes back empty', async () => {
    received([dead(event, 1)], [dead(other, 2)]);
    expect(await letters().replay()).toEqual([event.id, other.id]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(2);
  });
});
