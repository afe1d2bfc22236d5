import type { HistoryEntry, Order } from './model';

/**
 * The orders the API document's examples are made from (functions/openapi.ts): each example answer
 * is what the real projection gives for one of them, so an example can never drift from the code.
 * Texts are Vietnamese, as a buyer sees them.
 */

/** Where the examples pretend the API is deployed. */
export const EXAMPLE_BASE_URL = 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com';

const appTransId = '261128_4kTq9ZbX2mLp7RvN3sWc0e';

/** An order ZaloPay has created, waiting for the buyer. */
export const EXAMPLE_PENDING: Order = {
  appTransId,
  status: 'PENDING',
  version: 2,
  amount: 50_000,
  description: 'Đơn hàng #42',
  appUser: 'khach-42',
  items: [{ id: 'cf', name: 'Cà phê sữa đá', price: 25_000, quantity: 2 }],
  bankCode: 'zalopayapp',
  returnUrl: 'https://shop.example/thanks',
  metadata: { cartId: 'c-42' },
  expireDurationSeconds: 900,
  createdAt: '2026-11-28T03:20:05.118Z',
  updatedAt: '2026-11-28T03:20:05.402Z',
  expiresAt: '2026-11-28T03:35:05.118Z',
  orderUrl:
    'https://qcgateway.zalopay.vn/openinapp?order=eyJ6cHRyYW5zdG9rZW4iOiJBQzRrVHE5WmJYMm1McDdSdk4zc1djMGUifQ==',
  qrCode: '00020101021226520010vn.zalopay0203001010627000503173307089089161731338580012…6304B6F2',
  zpTransToken: 'AC4kTq9ZbX2mLp7RvN3sWc0e',
  refundedAmount: 0,
  nextCheck: { attempt: 1, at: '2026-11-28T03:40:05.118Z' },
  transitions: [
    { at: '2026-11-28T03:20:05.118Z', to: 'CREATING', trigger: 'create', evidence: {} },
    {
      at: '2026-11-28T03:20:05.402Z',
      from: 'CREATING',
      to: 'PENDING',
      trigger: 'create',
      evidence: { returnCode: 1, zpTransToken: 'AC4kTq9ZbX2mLp7RvN3sWc0e' },
    },
  ],
};

/** The same order once the callback said ZaloPay took the money. */
export const EXAMPLE_PAID: Order = {
  ...EXAMPLE_PENDING,
  status: 'PAID',
  version: 3,
  updatedAt: '2026-11-28T03:21:07.512Z',
  zpTransId: '261128000000017',
  paidAmount: 50_000,
  paidAt: '2026-11-28T03:21:06.000Z',
  settledBy: 'callback',
  nextCheck: undefined,
  transitions: [
    ...(EXAMPLE_PENDING.transitions ?? []),
    {
      at: '2026-11-28T03:21:07.512Z',
      from: 'PENDING',
      to: 'PAID',
      trigger: 'callback',
      evidence: {
        data: `{"app_id":2553,"app_trans_id":"${appTransId}","app_time":1795836005118,"app_user":"khach-42","amount":50000,…}`,
        mac: 'b8a5c1f0…',
      },
    },
  ],
};

/** Paid after we had closed it as expired: kept, and flagged for a person. */
export const EXAMPLE_PAID_AFTER_CLOSE: Order = {
  ...EXAMPLE_PAID,
  version: 5,
  updatedAt: '2026-11-28T03:52:40.090Z',
  paidAt: '2026-11-28T03:52:39.000Z',
  settledBy: 'query',
  review: { reason: 'PAID_AFTER_CLOSE' },
};

/** The history of {@link EXAMPLE_PAID}: its verified callback. */
export const EXAMPLE_HISTORY: HistoryEntry[] = [
  {
    at: '2026-11-28T03:21:07.530Z',
    kind: 'CALLBACK',
    trigger: 'callback',
    detail: {
      data: `{"app_id":2553,"app_trans_id":"${appTransId}","app_time":1795836005118,"app_user":"khach-42","amount":50000,…}`,
      mac: 'b8a5c1f0…',
      amount: 50_000,
      zpTransId: '261128000000017',
      serverTime: 1795836066000,
      channel: 38,
    },
    outcome: 'CHANGED',
    from: 'PENDING',
    to: 'PAID',
  },
];
