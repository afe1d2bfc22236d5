import { jest } from '@jest/globals';
import { InProcessStatusCheckScheduler } from '../../../shared/adapters/scheduler/in-process';
import type { StatusCheckRequest } from '../../../shared/core/ports/scheduler';

const NOW = new Date('2025-06-01T03:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const check = (attempt = 1, atMs = 1_200_000) => ({ appTransId: '250601_order', attempt, at: later(atMs) });

const deliverMock = () =>
  jest.fn<(request: StatusCheckRequest) => Promise<void>>().mockResolvedValue(undefined);
const onErrorMock = () => jest.fn<(error: unknown, request: StatusCheckRequest) => void>();

let scheduler: InProcessStatusCheckScheduler | undefined;

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});

afterEach(async () => {
  await scheduler?.close();
  scheduler = undefined;
  jest.useRealTimers();
});

describe('InProcessStatusCheckScheduler', () => {
  it('delivers the check at its time, not a millisecond before', async () => {
    const deliver = deliverMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver });

    await scheduler.schedule(check(1, 1_200_000));
    await jest.advanceTimersByTimeAsync(1_199_999);
    expect(deliver).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);

    expect(deliver).toHaveBeenCalledTimes(1);
    expect(deliver).toHaveBeenCalledWith({ appTransId: '250601_order', attempt: 1 });
  });

  it('delivers a check that is already due on the next turn of the event loop', async () => {
    const deliver = deliverMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver });

    await scheduler.schedule(check(1, -5_000));
    expect(deliver).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(0);

    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('measures the wait with the injected clock', async () => {
    const deliver = deliverMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver, clock: () => later(600_000) });

    await scheduler.schedule(check(1, 1_200_000));
    await jest.advanceTimersByTimeAsync(600_000);

    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('waits out checks further away than one Node timer can', async () => {
    const deliver = deliverMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver });
    const thirtyDays = 30 * 86_400_000;

    await scheduler.schedule(check(1, thirtyDays));
    await jest.advanceTimersByTimeAsync(thirtyDays - 1);
    expect(deliver).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);

    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('ignores the same order and attempt scheduled again, but not another attempt', async () => {
    const deliver = deliverMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver });

    await scheduler.schedule(check(1, 1_000));
    await scheduler.schedule(check(1, 2_000));
    await scheduler.schedule(check(2, 3_000));
    await jest.advanceTimersByTimeAsync(10_000);

    expect(deliver.mock.calls).toEqual([
      [{ appTransId: '250601_order', attempt: 1 }],
      [{ appTransId: '250601_order', attempt: 2 }],
    ]);
  });

  it('frees the name once delivered, as EventBridge deletes a completed schedule', async () => {
    const deliver = deliverMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver });
    await scheduler.schedule(check(1, 1_000));
    await jest.advanceTimersByTimeAsync(1_000);

    await scheduler.schedule(check(1, 5_000));
    await jest.advanceTimersByTimeAsync(5_000);

    expect(deliver).toHaveBeenCalledTimes(2);
  });

  it('keeps the name taken while a delivery is in flight', async () => {
    let finish = () => {};
    const deliver = jest.fn((_: StatusCheckRequest) => new Promise<void>((resolve) => (finish = resolve)));
    scheduler = new InProcessStatusCheckScheduler({ deliver });
    await scheduler.schedule(check(1, 1_000));
    await jest.advanceTimersByTimeAsync(1_000);

    await scheduler.schedule(check(1, 2_000));
    finish();
    await jest.advanceTimersByTimeAsync(5_000);

    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('retries a failed delivery after each back-off, then reports it', async () => {
    const failure = new Error('status-check crashed');
    const deliver = deliverMock().mockRejectedValue(failure);
    const onError = onErrorMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver, onError, retryDelaysMs: [1_000, 4_000] });

    await scheduler.schedule(check(1, 0));
    await jest.advanceTimersByTimeAsync(0);
    expect(deliver).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(deliver).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(deliver).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(3_999);
    expect(onError).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);

    expect(deliver).toHaveBeenCalledTimes(3);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(failure, { appTransId: '250601_order', attempt: 1 });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(deliver).toHaveBeenCalledTimes(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops retrying once a delivery succeeds', async () => {
    const deliver = deliverMock().mockRejectedValueOnce(new Error('throttled'));
    const onError = onErrorMock();
    scheduler = new InProcessStatusCheckScheduler({ deliver, onError });

    await scheduler.schedule(check(1, 0));
    await jest.advanceTimersByTimeAsync(60_000);

    expect(deliver).toHaveBeenCalledTimes(2);
    expect(onError).not.toHaveBeenCalled();
  });

  it('logs an undeliverable check when no onError is given', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => {});
    const failure = new Error('down');
    scheduler = new InProcessStatusCheckScheduler({
      deliver: deliverMock().mockRejectedValue(failure),
      retryDelaysMs: [],
    });

    await scheduler.schedule(check(7, 0));
    await jest.advanceTimersByTimeAsync(0);

    expect(consoleError).toHaveBeenCalledWith('status check zp-250601_order-7 was not delivered', failure);
    consoleError.mockRestore();
  });

  it('clears every pending check and retry on close, and schedules nothing afterwards', async () => {
    const deliver = deliverMock().mockRejectedValueOnce(new Error('retry me'));
    scheduler = new InProcessStatusCheckScheduler({ deliver, onError: onErrorMock() });
    await scheduler.schedule(check(1, 0));
    await scheduler.schedule(check(2, 60_000));
    await scheduler.schedule(check(3, 120_000));
    await jest.advanceTimersByTimeAsync(0);
    expect(jest.getTimerCount()).toBe(3);

    await scheduler.close();
    await scheduler.schedule(check(4, 0));

    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(86_400_000);
    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('resolves close() only once the deliveries already running have ended', async () => {
    let finish = () => {};
    const deliver = deliverMock().mockReturnValueOnce(new Promise<void>((resolve) => (finish = resolve)));
    scheduler = new InProcessStatusCheckScheduler({ deliver });
    await scheduler.schedule(check(1, 0));
    await jest.advanceTimersByTimeAsync(0);
    expect(deliver).toHaveBeenCalledTimes(1);

    let closed = false;
    const closing = scheduler.close().then(() => (closed = true));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(closed).toBe(false);

    finish();
    await closing;
    expect(closed).toBe(true);
  });
});
