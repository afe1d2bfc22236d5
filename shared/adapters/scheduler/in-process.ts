import { type Clock, systemClock } from '../../core/clock';
import {
  type ScheduledCheck,
  type StatusCheckRequest,
  type StatusCheckScheduler,
  scheduleName,
} from '../../core/ports/scheduler';

/** Options of {@link InProcessStatusCheckScheduler}. */
export interface InProcessStatusCheckSchedulerOptions {
  /** Runs the check, as the `status-check` handler would on AWS. */
  deliver: (request: StatusCheckRequest) => Promise<void>;
  clock?: Clock;
  /** Told about a check whose every delivery failed (EventBridge would dead-letter it). */
  onError?: (error: unknown, request: StatusCheckRequest) => void;
  /** Waits between failed deliveries; one retry per entry. */
  retryDelaysMs?: readonly number[];
}

/** Node fires a longer setTimeout at once, so far-off checks wait in steps of at most this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const DEFAULT_RETRY_DELAYS_MS = [1_000, 4_000];

const logError = (error: unknown, request: StatusCheckRequest) =>
  console.error(`status check ${scheduleName(request)} was not delivered`, error);

/**
 * {@link StatusCheckScheduler} on timers, for the local runtime: like an EventBridge one-time
 * schedule, a name is taken until its check has been delivered (or given up on), failed
 * deliveries are retried with a back-off, and a pending timer never keeps the process alive.
 */
export class InProcessStatusCheckScheduler implements StatusCheckScheduler {
  readonly #deliver: InProcessStatusCheckSchedulerOptions['deliver'];
  readonly #clock: Clock;
  readonly #onError: NonNullable<InProcessStatusCheckSchedulerOptions['onError']>;
  readonly #retryDelaysMs: readonly number[];
  /** Timers by schedule name; a name stays here while its check is being delivered. */
  readonly #pending = new Map<string, NodeJS.Timeout>();
  /** Deliveries in progress, so that `close()` can wait for them. */
  readonly #delivering = new Set<Promise<void>>();
  #closed = false;

  constructor({ deliver, clock, onError, retryDelaysMs }: InProcessStatusCheckSchedulerOptions) {
    this.#deliver = deliver;
    this.#clock = clock ?? systemClock;
    this.#onError = onError ?? logError;
    this.#retryDelaysMs = retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  async schedule(check: ScheduledCheck): Promise<void> {
    const name = scheduleName(check);
    if (this.#closed || this.#pending.has(name)) return;
    const request: StatusCheckRequest = {
      appTransId: check.appTransId,
      attempt: check.attempt,
      ...(check.mRefundId !== undefined && { mRefundId: check.mRefundId }),
    };
    this.#waitUntil(name, check.at.getTime(), () => this.#run(name, request, 0));
  }

  /**
   * Cancels every pending check and retry, then resolves once the deliveries already running
   * have ended; nothing is delivered or scheduled afterwards.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
    await Promise.all(this.#delivering);
  }

  #waitUntil(name: string, dueMs: number, fire: () => void): void {
    const delay = Math.max(0, dueMs - this.#clock().getTime());
    this.#setTimer(name, Math.min(delay, MAX_TIMER_MS), () =>
      delay > MAX_TIMER_MS ? this.#waitUntil(name, dueMs, fire) : fire(),
    );
  }

  #setTimer(name: string, delayMs: number, callback: () => void): void {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    this.#pending.set(name, timer);
  }

  #run(name: string, request: StatusCheckRequest, failures: number): void {
    const delivery = this.#deliverOnce(name, request, failures);
    this.#delivering.add(delivery);
    void delivery.then(() => this.#delivering.delete(delivery));
  }

  async #deliverOnce(name: string, request: StatusCheckRequest, failures: number): Promise<void> {
    try {
      await this.#deliver(request);
      this.#pending.delete(name);
    } catch (error) {
      if (this.#closed) return;
      const retryDelay = this.#retryDelaysMs[failures];
      if (retryDelay === undefined) {
        this.#pending.delete(name);
        this.#onError(error, request);
      } else {
        this.#setTimer(name, retryDelay, () => this.#run(name, request, failures + 1));
      }
    }
  }
}
