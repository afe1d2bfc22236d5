import type { Order } from '../../shared/core/orders/model';
import { newAppTransId } from '../../shared/core/zalopay/ids';

export const T0 = new Date('2026-11-28T03:00:00.000Z');

/** An order as create-order stores it once ZaloPay accepted it, created at T0. */
export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  appTransId: '261128_AbCdEfGhIjKlMnOpQrStUv',
  status: 'PENDING',
  version: 2,
  amount: 50_000,
  description: 'Thanh toán đơn hàng 261128_AbCdEfGhIjKlMnOpQrStUv',
  appUser: 'ZaloPay QR demo',
  items: [],
  bankCode: 'zalopayapp',
  expireDurationSeconds: 900,
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  expiresAt: new Date(T0.getTime() + 900_000).toISOString(),
  orderUrl: 'https://qcgateway.zalopay.vn/openinapp?order=eyJ6cHRyYW5zdG9rZW4iOiJ4In0=',
  zpTransToken: 'AC-token',
  refundedAmount: 0,
  nextCheck: { attempt: 1, at: new Date(T0.getTime() + 1_200_000).toISOString() },
  ...overrides,
});

export const at = (secondsAfterT0: number): Date => new Date(T0.getTime() + secondsAfterT0 * 1000);

/** {@link anOrder} under a fresh id, for tests that share one table. */
export const uniqueOrder = (overrides: Partial<Order> = {}): Order =>
  anOrder({ appTransId: newAppTransId(T0), ...overrides });
