import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '../../core/events';
import type { EventSink } from '../../core/ports/events';

/** Options of {@link SqsWebhookQueue}. */
export interface SqsWebhookQueueOptions {
  client: SQSClient;
  /** The delivery queue: one message per event to deliver. */
  queueUrl: string;
  /** Where deliveries go once their retries are over; only the delivery function needs it. */
  deadLetterQueueUrl?: string;
}

/** SQS keeps a message invisible for at most 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * The merchant webhook's queue on AWS (docs/events.md §3). As an {@link EventSink} it enqueues each
 * event (the change feed's side); the delivery function then retries a failed delivery by hiding
 * its message until the next attempt is due ({@link retryLater}), and dead-letters it once the
 * retry window is over ({@link deadLetter}). A message is the envelope itself, so a dead letter
 * moved back to the queue is delivered again with the same id.
 */
export class SqsWebhookQueue implements EventSink {
  readonly name = 'webhook';
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #deadLetterQueueUrl: string | undefined;

  constructor({ client, queueUrl, deadLetterQueueUrl }: SqsWebhookQueueOptions) {
    this.#client = client;
    this.#queueUrl = queueUrl;
    this.#deadLetterQueueUrl = deadLetterQueueUrl;
  }

  async deliver(event: EventEnvelope): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: { eventId: { DataType: 'String', StringValue: event.id } },
      }),
    );
  }

  /** Hides a received message for `delaySeconds`: it is received, and delivered, again after that. */
  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    await this.#client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.#queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
      }),
    );
  }

  /** Keeps a message whose retries are over in the dead-letter queue, as it was, with why and how often it failed. */
  async deadLetter(body: string, why: { eventId: string; reason: string; attempts: number }): Promise<void> {
    if (!this.#deadLetterQueueUrl) throw new Error('SqsWebhookQueue: no dead-letter queue configured');
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#deadLetterQueueUrl,
        MessageBody: body,
        MessageAttributes: {
          eventId: { DataType: 'String', StringValue: why.eventId },
          reason: { DataType: 'String', StringValue: why.reason.slice(0, 256) },
          attempts: { DataType: 'Number', StringValue: String(why.attempts) },
        },
      }),
    );
  }
}
