import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '../../core/events';
import type { EventSink } from '../../core/ports/events';

/** The `source` of every event we put on a bus (docs/events.md §4): what merchants' rules match. */
export const EVENT_SOURCE = 'zalopay-qr';

/** Options of {@link EventBridgeSink}. */
export interface EventBridgeSinkOptions {
  client: EventBridgeClient;
  /** The bus's name or ARN (another account's bus is named by ARN). */
  eventBus: string;
}

/**
 * Puts each event on an EventBridge bus (docs/events.md §4): `source` {@link EVENT_SOURCE},
 * `detail-type` the event's type, `detail` the envelope, so merchants route events with rules.
 * A refused entry throws, and the change feed retries the event.
 */
export class EventBridgeSink implements EventSink {
  readonly name = 'eventbridge';
  readonly #client: EventBridgeClient;
  readonly #eventBus: string;

  constructor({ client, eventBus }: EventBridgeSinkOptions) {
    this.#client = client;
    this.#eventBus = eventBus;
  }

  async deliver(event: EventEnvelope): Promise<void> {
    const { FailedEntryCount, Entries } = await this.#client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.#eventBus,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Detail: JSON.stringify(event),
            Time: new Date(event.createdAt),
          },
        ],
      }),
    );
    if (FailedEntryCount) {
      const entry = Entries?.[0];
      throw new Error(
        `EventBridge refused ${event.id}: ${entry?.ErrorCode} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}
