import fc from 'fast-check';
import {
  afterFailedAttempt,
  attemptsWithin,
  DEFAULT_WEBHOOK_RETRY,
  retryDelaySeconds,
  type WebhookRetryPolicy,
} from '../../../shared/core/webhooks';
import { at, T0 } from '../../support/orders';

const policy = DEFAULT_WEBHOOK_RETRY;

/** Fails every attempt at once, from T0, and returns when each attempt ran and how it ended. */
const failEveryAttempt = (p: WebhookRetryPolicy) => {
  const attempts: number[] = [0];
  for (let failed = 1; ; failed++) {
    const now = attempts.at(-1)!;
    const next = afterFailedAttempt(p, failed, T0, at(now));
    if (next.kind === 'dead-letter') return { attempts, deadLetteredAt: now };
    attempts.push(now + next.delaySeconds);
  }
};

describe('webhook retries (docs/events.md §3)', () => {
  it('wait 10 s after the first failure, doubling up to an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 30].map((n) => retryDelaySeconds(policy, n))).toEqual([
      10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600,
    ]);
  });

  it('go on for at least 24 hours, then dead-letter', () => {
    const { attempts, deadLetteredAt } = failEveryAttempt(policy);
    expect(deadLetteredAt).toBeGreaterThanOrEqual(24 * 3600);
    // The last retry is the first one at or after the window: at most one delay later.
    expect(deadLetteredAt).toBeLessThan(24 * 3600 + 3600);
    expect(attempts).toHaveLength(attemptsWithin(policy));
    expect(attempts).toHaveLength(33);
  });

  it('decide by the time since the first attempt, however many attempts were counted', () => {
    expect(afterFailedAttempt(policy, 1, T0, at(24 * 3600 - 1))).toEqual({ kind: 'retry', delaySeconds: 10 });
    expect(afterFailedAttempt(policy, 50, T0, at(24 * 3600))).toEqual({ kind: 'dead-letter' });
  });

  it('for any policy: delays grow and never pass the cap, retries cover the window, then stop', () => {
    const policies = fc
      .record({
        // Whole seconds, so that sums of delays are exact and compare as the policy does.
        firstDelaySeconds: fc.integer({ min: 1, max: 600 }),
        cap: fc.integer({ min: 1, max: 100 }),
        // In capped delays: a few hundred attempts at most per run.
        windowInDelays: fc.integer({ min: 1, max: 300 }),
      })
      .map(({ firstDelaySeconds, cap, windowInDelays }) => ({
        firstDelaySeconds,
        maxDelaySeconds: firstDelaySeconds * cap,
        windowSeconds: firstDelaySeconds * cap * windowInDelays,
      }));
    fc.assert(
      fc.property(policies, (p) => {
        const { attempts, deadLetteredAt } = failEveryAttempt(p);
        const delays = attempts.slice(1).map((t, i) => t - attempts[i]!);
        // Plain comparisons: expect() in a loop of thousands is slow in Jest's VM.
        return (
          delays.every((d, i) => d <= p.maxDelaySeconds && (i === 0 || d >= delays[i - 1]!)) &&
          deadLetteredAt >= p.windowSeconds &&
          deadLetteredAt < p.windowSeconds + p.maxDelaySeconds &&
          attempts.length === attemptsWithin(p)
        );
      }),
      { numRuns: 200 },
    );
  });
});
