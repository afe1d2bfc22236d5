import * as z from 'zod/mini';
import { eventEnvelopeSchema, eventIdSchema } from '../events';
import { described, isoTimestamp, lazySchema } from '../schemas';

/** A webhook delivery whose retries are over (docs/events.md §3), as the merchant sees it. */
export const deadLetterSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      event: eventEnvelopeSchema(),
      attempts: described(z.int().check(z.nonnegative()), { description: 'Delivery attempts made.' }),
      lastError: z.optional(described(z.string(), { description: 'Why the last attempt failed.' })),
      firstAttemptAt: z.optional(isoTimestamp('The first attempt: the retry window ran from here.')),
      deadLetteredAt: isoTimestamp('When the retries were given up.'),
    }),
    { description: 'A webhook delivery given up after its retry window: replayable with the same id.' },
  ),
);
export type DeadLetter = z.output<ReturnType<typeof deadLetterSchema>>;

/** What a replay did: the ids delivered again (each with the `webhook-id` it had). */
export const replayedSchema = /* @__PURE__ */ lazySchema(() =>
  described(z.strictObject({ replayed: z.array(eventIdSchema()) }), {
    description: 'The events put back for delivery, each under its own id.',
  }),
);

/**
 * The merchant webhook's dead letters (docs/events.md §3): the local runtime keeps them in its
 * table, the stack in an SQS dead-letter queue.
 */
export interface DeadLetters {
  /** The dead letters, oldest event first, at most `limit`. */
  list(limit: number): Promise<DeadLetter[]>;
  /**
   * Delivers dead letters again, the same events under the same ids, with a fresh retry window:
   * those named by `eventIds`, or all. Resolves with the ids put back for delivery.
   */
  replay(eventIds?: readonly string[]): Promise<string[]>;
}
