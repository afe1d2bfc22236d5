import type { Order } from '../../shared/orders/model';
import { newAppTransId } from '../../shared/zalopay/ids';
import { anOrder, T0 } from './orders';

/** {@link anOrder} under a fresh id, for tests that share one table. */
export const uniqueOrder = (overrides: Partial<Order> = {}): Order =>
  anOrder({ appTransId: newAppTransId(T0), ...overrides });
