import type { EventEnvelope } from '../../core/events';
import type { EventSink } from '../../core/ports/events';

/**
 * {@link EventSink} that keeps what it is given, for tests: every delivery in order, redeliveries
 * included, as the consumers of docs/events.md would see them. It can be told to fail, as a
 * publish, a queue or a bus that is down would.
 */
export class RecordingEventSink implements EventSink {
  readonly name: string;
  readonly #delivered: EventEnvelope[] = [];
  readonly #attempted: string[] = [];
  readonly #failures: { error: unknown; remaining: number }[] = [];

  constructor(name = 'recorder') {
    this.name = name;
  }

  /** Every event delivered, in delivery order, duplicates included (copies). */
  get delivered(): EventEnvelope[] {
    return this.#delivered.map((e) => structuredClone(e));
  }

  /** The id of every event it was handed, in order, failed deliveries included. */
  get attempted(): string[] {
    return [...this.#attempted];
  }

  /** The events delivered for one order, in delivery order. */
  of(appTransId: string): EventEnvelope[] {
    return this.delivered.filter((e) => e.data.order.appTransId === appTransId);
  }

  /** Makes the next `times` deliveries reject with `error`, keeping nothing. */
  failNext(error: unknown, times = 1): void {
    if (times >= 1) this.#failures.push({ error, remaining: times });
  }

  async deliver(event: EventEnvelope): Promise<void> {
    this.#attempted.push(event.id);
    const failure = this.#failures[0];
    if (failure) {
      if (--failure.remaining < 1) this.#failures.shift();
      throw failure.error;
    }
    this.#delivered.push(structuredClone(event));
  }
}
