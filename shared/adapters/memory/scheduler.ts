import { type ScheduledCheck, type StatusCheckScheduler, scheduleName } from '../../core/ports/scheduler';

const copyOf = (check: ScheduledCheck): ScheduledCheck => ({
  appTransId: check.appTransId,
  attempt: check.attempt,
  at: new Date(check.at.getTime()),
});

/**
 * {@link StatusCheckScheduler} that runs nothing and remembers what it was asked: the schedules it
 * holds, one per (order, attempt) as EventBridge's deterministic names make them (asking again for
 * a name it holds is a no-op), and every request it received. It can be told to fail, as a
 * throttled or refused `CreateSchedule` would. For tests of the use cases, which run the checks
 * themselves.
 */
export class RecordingScheduler implements StatusCheckScheduler {
  readonly #scheduled = new Map<string, ScheduledCheck>();
  readonly #requests: ScheduledCheck[] = [];
  readonly #failures: { error: unknown; remaining: number }[] = [];

  /** The checks scheduled, one per (order, attempt), in the order they were first scheduled. */
  get scheduled(): ScheduledCheck[] {
    return [...this.#scheduled.values()].map(copyOf);
  }

  /** Every request received, repeated and failed ones included. */
  get requests(): ScheduledCheck[] {
    return this.#requests.map(copyOf);
  }

  /** Makes the next `times` requests reject with `error`, scheduling nothing. */
  failNext(error: unknown, times = 1): void {
    if (times >= 1) this.#failures.push({ error, remaining: times });
  }

  async schedule(check: ScheduledCheck): Promise<void> {
    this.#requests.push(copyOf(check));
    const failure = this.#failures[0];
    if (failure) {
      if (--failure.remaining < 1) this.#failures.shift();
      throw failure.error;
    }
    const name = scheduleName(check);
    if (!this.#scheduled.has(name)) this.#scheduled.set(name, copyOf(check));
  }
}
