import type { EventEnvelope } from '../events';

/**
 * Somewhere order events go (docs/events.md): the buyer push, the merchant webhook, an event bus.
 * Delivery is at least once: a sink may see an event again and must not mind.
 */
export interface EventSink {
  /** For logs and metrics: `push`, `webhook`, `eventbridge`. */
  readonly name: string;
  /** Resolves once the event is handed over durably; throws when it was not, so it is retried. */
  deliver(event: EventEnvelope): Promise<void>;
}
