import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type EventEnvelope, eventEnvelopeSchema } from '../../core/events';
import type { DeadLetter, DeadLetters } from '../../core/ports/dead-letters';

/** Options of {@link SqsDeadLetters}. */
export interface SqsDeadLettersOptions {
  client: SQSClient;
  /** The webhook's delivery queue, where a replayed event goes. */
  queueUrl: string;
  /** Its dead-letter queue. */
  deadLetterQueueUrl: string;
  /** How long a message read is hidden from other readers while this request decides about it. */
  holdSeconds?: number;
  /** Receives without a message before the queue counts as read through. */
  emptyReceives?: number;
}

/**
 * The webhook's dead letters on AWS (docs/events.md §3): the messages of its SQS dead-letter queue,
 * each the event's envelope with the `attempts` and `reason` webhook-delivery gave it.
 *
 * SQS has no "list": a queue is read by receiving, which hides each message for a while. So a
 * list receives messages (hidden for {@link SqsDeadLettersOptions.holdSeconds}) until enough are
 * read or receives come back empty, then makes them all visible again at once; a replay sends each
 * wanted one to the delivery queue before deleting it from the dead letters (a crash between the
 * two delivers it twice under one id, which receivers deduplicate; never zero times), and makes
 * the others visible again. A message another reader holds at that moment is not seen.
 */
export class SqsDeadLetters implements DeadLetters {
  readonly #o: Required<SqsDeadLettersOptions>;

  constructor(options: SqsDeadLettersOptions) {
    this.#o = { holdSeconds: 30, emptyReceives: 2, ...options };
  }

  async list(limit: number): Promise<DeadLetter[]> {
    const messages = await this.#receiveUpTo(limit);
    await this.#release(messages);
    return messages
      .map(deadLetterOf)
      .filter((d): d is DeadLetter => d !== undefined)
      .sort((a, b) => a.event.createdAt.localeCompare(b.event.createdAt));
  }

  async replay(eventIds?: readonly string[]): Promise<string[]> {
    const wanted = eventIds && new Set(eventIds);
    const replayed: string[] = [];
    const others: Message[] = [];
    const found = new Set<string>();
    // Read through the queue, or until every named id is found.
    for (;;) {
      const batch = await this.#receive();
      if (batch === undefined) break;
      for (const message of batch) {
        const event = envelopeOf(message);
        if (!event || (wanted && !wanted.has(event.id)) || found.has(event.id)) {
          others.push(message);
          continue;
        }
        await this.#o.client.send(
          new SendMessageCommand({
            QueueUrl: this.#o.queueUrl,
            MessageBody: message.Body!,
            MessageAttributes: { eventId: { DataType: 'String', StringValue: event.id } },
          }),
        );
        await this.#o.client.send(
          new DeleteMessageCommand({
            QueueUrl: this.#o.deadLetterQueueUrl,
            ReceiptHandle: message.ReceiptHandle!,
          }),
        );
        found.add(event.id);
        replayed.push(event.id);
      }
      if (wanted && found.size === wanted.size) break;
    }
    await this.#release(others);
    return replayed;
  }

  async #receiveUpTo(limit: number): Promise<Message[]> {
    const messages: Message[] = [];
    while (messages.length < limit) {
      const batch = await this.#receive(Math.min(10, limit - messages.length));
      if (batch === undefined) break;
      messages.push(...batch);
    }
    return messages;
  }

  /** One non-empty batch, or undefined once `emptyReceives` receives in a row found nothing. */
  async #receive(max = 10): Promise<Message[] | undefined> {
    for (let empty = 0; empty < this.#o.emptyReceives; empty++) {
      const { Messages } = await this.#o.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#o.deadLetterQueueUrl,
          MaxNumberOfMessages: max,
          VisibilityTimeout: this.#o.holdSeconds,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      if (Messages?.length) return Messages;
    }
    return undefined;
  }

  /** Makes messages this request read visible to the next reader at once. */
  async #release(messages: readonly Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      await this.#o.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.#o.deadLetterQueueUrl,
          Entries: messages.slice(i, i + 10).map((m, n) => ({
            Id: String(i + n),
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
}

const envelopeOf = (message: Message): EventEnvelope | undefined => {
  try {
    const parsed = eventEnvelopeSchema().safeParse(JSON.parse(message.Body ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const deadLetterOf = (message: Message): DeadLetter | undefined => {
  const event = envelopeOf(message);
  if (!event) return undefined;
  const attributes = message.MessageAttributes ?? {};
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    event,
    attempts: Number(attributes.attempts?.StringValue ?? 0),
    ...(attributes.reason?.StringValue && { lastError: attributes.reason.StringValue }),
    deadLetteredAt: new Date(Number.isFinite(sent) ? sent : 0).toISOString(),
  };
};
