import {
  DEFAULT_CHECK_POLICY,
  eventFromQuery,
  firstCheckAt,
  nextCheck,
} from '../../../shared/core/orders/checks';
import type { QueryOrderResult } from '../../../shared/core/zalopay/types';
import { anOrder, at, T0 } from '../../support/orders';

const policy = DEFAULT_CHECK_POLICY;
const answer = (overrides: Partial<QueryOrderResult>): QueryOrderResult => ({
  returnCode: 3,
  returnMessage: '',
  subReturnCode: undefined,
  subReturnMessage: '',
  isProcessing: false,
  amount: undefined,
  zpTransId: undefined,
  serverTime: undefined,
  discountAmount: undefined,
  ...overrides,
});

describe('status check policy', () => {
  it('checks first 20 minutes after creation, which for a 15-minute order is expiry plus grace', () => {
    const order = anOrder();
    expect(firstCheckAt(T0, policy)).toEqual(at(1200));
    // So an unpaid default order is EXPIRED at its very first check.
    expect(eventFromQuery(order, answer({ returnCode: 3 }), at(1200), policy, 'schedule')).toMatchObject({
      type: 'EXPIRED',
      cause: { trigger: 'schedule', evidence: { returnCode: 3, isProcessing: false } },
    });
  });

  it('an unpaid order inside its window, or one ZaloPay is processing, needs another check', () => {
    const order = anOrder();
    expect(eventFromQuery(order, answer({ returnCode: 3 }), at(1199), policy, 'schedule')).toBeUndefined();
    expect(
      eventFromQuery(order, answer({ returnCode: 3, isProcessing: true }), at(5000), policy, 'schedule'),
    ).toBeUndefined();
  });

  it('a query answering 1 is a payment with ZaloPay amount, id and time', () => {
    const event = eventFromQuery(
      anOrder(),
      answer({ returnCode: 1, amount: 50_000, zpTransId: '261128000000007', serverTime: at(30).getTime() }),
      at(1200),
      policy,
      'sweeper',
    );
    expect(event).toMatchObject({
      type: 'PAID',
      via: 'query',
      amount: 50_000,
      zpTransId: '261128000000007',
      paidAt: at(30).toISOString(),
      cause: {
        trigger: 'sweeper',
        evidence: { returnCode: 1, amount: 50_000, zpTransId: '261128000000007' },
      },
    });
  });

  it('a payment answer whose server_time is no representable time is paid at the time of the check', () => {
    const event = eventFromQuery(
      anOrder(),
      answer({ returnCode: 1, amount: 50_000, serverTime: 9e15 }),
      at(1200),
      policy,
      'schedule',
    );
    expect(event).toMatchObject({ type: 'PAID', paidAt: at(1200).toISOString() });
  });

  it('a payment answer without an amount cannot be confirmed and will not match', () => {
    const event = eventFromQuery(anOrder(), answer({ returnCode: 1 }), at(1200), policy, 'redirect');
    expect(event).toMatchObject({ type: 'PAID', amount: -1 });
  });

  it('a query answering 2 carries its sub code', () => {
    expect(
      eventFromQuery(anOrder(), answer({ returnCode: 2, subReturnCode: -54 }), at(1200), policy, 'merchant'),
    ).toMatchObject({
      type: 'QUERY_FAILED',
      failure: { returnCode: 2, subReturnCode: -54, subReturnMessage: '' },
      cause: { trigger: 'merchant', evidence: { returnCode: 2, subReturnCode: -54 } },
    });
  });

  it('follow-ups double from STATUS_RECHECK_SECONDS and are capped at one hour', () => {
    const order = anOrder({ expireDurationSeconds: 86_400, expiresAt: at(86_400).toISOString() });
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => {
      const next = nextCheck(order, attempt, at(1200), policy);
      return (Date.parse(next!.at) - at(1200).getTime()) / 1000;
    });
    expect(delays).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
    expect(nextCheck(order, 3, at(1200), policy)?.attempt).toBe(4);
  });

  it('a follow-up is brought forward to the expiry deadline when that comes first', () => {
    const order = anOrder({ expireDurationSeconds: 3600, expiresAt: at(3600).toISOString() });
    // Deadline = 3600 + 300; from 3800 a 960 s back-off would overshoot it.
    expect(nextCheck(order, 5, at(3800), policy)?.at).toBe(at(3900).toISOString());
  });

  it('no check is scheduled past 47 hours after creation', () => {
    const order = anOrder();
    expect(nextCheck(order, 40, at(47 * 3600 - 3600), policy)?.at).toBe(at(47 * 3600).toISOString());
    expect(nextCheck(order, 40, at(47 * 3600 - 3599), policy)).toBeUndefined();
  });
});
