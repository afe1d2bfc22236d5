/**
 * Work in flight in one place (the emulator's callback retries, refund delays and delayed
 * answers; the local server's requests), so that `close()` can cancel every timer and wait for
 * what is running: nothing outlives it.
 */
export class TaskTracker {
  #closed = false;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #timers = new Map<ReturnType<typeof setTimeout>, () => void>();

  get closed(): boolean {
    return this.#closed;
  }

  /** Keeps `work` in view until it settles; its failures are the caller's to handle. */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
  }

  /** Resolves true after `ms`, or false at once if the tracker is or gets closed first. */
  sleep(ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve(true);
      }, ms);
      this.#timers.set(timer, () => resolve(false));
    });
  }

  /** Resolves once nothing tracked is pending, including work started while waiting. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** Cancels every timer (their sleeps resolve false), then waits for the rest to settle. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const [timer, cancel] of this.#timers) {
      clearTimeout(timer);
      cancel();
    }
    this.#timers.clear();
    await this.idle();
  }
}
