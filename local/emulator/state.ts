/** Where an order stands at ZaloPay; "expired" is derived from the clock, never stored. */
export type OrderStatus = 'unpaid' | 'processing' | 'paid' | 'failed' | 'cancelled';

/** What ZaloPay keeps of an order created through `/v2/create`. Text fields are exactly as received. */
export interface OrderRecord {
  appId: number;
  appTransId: string;
  appUser: string;
  /** Unix ms, the merchant's `app_time`: the order's expiry counts from it. */
  appTime: number;
  amount: number;
  description: string;
  item: string;
  embedData: string;
  bankCode: string;
  callbackUrl: string | undefined;
  expireDurationSeconds: number;
  zpTransToken: string;
  orderUrl: string;
  status: OrderStatus;
  zpTransId: number | undefined;
  /** Unix ms of the payment by the emulator clock. */
  serverTime: number | undefined;
}

export interface RefundRecord {
  appId: number;
  mRefundId: string;
  refundId: number;
  zpTransId: string;
  amount: number;
  refundFeeAmount: number;
  description: string;
  /** `processing` until its delay has passed (or a test finishes it), then `done` or `failed`. */
  status: 'processing' | 'done' | 'failed';
  /** What happens when it stops processing. */
  outcome: RefundOutcome;
  /** The `refund_id`'s order: the app's transaction it refunds. */
  appTransId: string;
}

/**
 * How an accepted refund ends: `succeed` after the processing delay; `fail` after it, with a
 * query_refund sub code (0, -13, -14 or -32, docs/zalopay-protocol.md §8.2); `hold` stays
 * processing until a test finishes it; `immediate` answers 1 at once.
 */
export type RefundOutcome =
  | { type: 'succeed' }
  | { type: 'fail'; subReturnCode: 0 | -13 | -14 | -32 }
  | { type: 'hold' }
  | { type: 'immediate' };

/** The order's status at `nowMs`, with "expired" for an unpaid order past its lifetime. */
export const effectiveStatus = (order: OrderRecord, nowMs: number): OrderStatus | 'expired' =>
  order.status === 'unpaid' && nowMs >= expiresAt(order) ? 'expired' : order.status;

/** Unix ms at which an unpaid order stops being payable. */
export const expiresAt = (order: OrderRecord): number => order.appTime + order.expireDurationSeconds * 1000;

const key = (appId: number, id: string) => `${appId}:${id}`;

/** The emulator's memory of orders and refunds, indexed the ways the APIs look them up. */
export class EmulatorStore {
  readonly #orders = new Map<string, OrderRecord>();
  readonly #byToken = new Map<string, OrderRecord>();
  readonly #byZpTransId = new Map<string, OrderRecord>();
  readonly #refunds = new Map<string, RefundRecord>();

  order(appId: number, appTransId: string): OrderRecord | undefined {
    return this.#orders.get(key(appId, appTransId));
  }

  /** The latest order created with this `app_trans_id`, whichever app created it. */
  latestWithId(appTransId: string): OrderRecord | undefined {
    return [...this.#orders.values()].filter((o) => o.appTransId === appTransId).at(-1);
  }

  /** Every order, oldest first. */
  all(): OrderRecord[] {
    return [...this.#orders.values()];
  }

  orderByToken(zpTransToken: string): OrderRecord | undefined {
    return this.#byToken.get(zpTransToken);
  }

  orderByZpTransId(appId: number, zpTransId: string): OrderRecord | undefined {
    return this.#byZpTransId.get(key(appId, zpTransId));
  }

  addOrder(order: OrderRecord): void {
    this.#orders.set(key(order.appId, order.appTransId), order);
    this.#byToken.set(order.zpTransToken, order);
  }

  /** Records the payment and makes the order findable by its `zp_trans_id`. */
  markPaid(order: OrderRecord, zpTransId: number, serverTime: number): void {
    order.status = 'paid';
    order.zpTransId = zpTransId;
    order.serverTime = serverTime;
    this.#byZpTransId.set(key(order.appId, String(zpTransId)), order);
  }

  refund(appId: number, mRefundId: string): RefundRecord | undefined {
    return this.#refunds.get(key(appId, mRefundId));
  }

  addRefund(refund: RefundRecord): void {
    this.#refunds.set(key(refund.appId, refund.mRefundId), refund);
  }

  /** What has been refunded or is being refunded from one payment: every refund but failed ones. */
  refundedAmount(appId: number, zpTransId: string): number {
    let total = 0;
    for (const r of this.#refunds.values()) {
      if (r.appId === appId && r.zpTransId === zpTransId && r.status !== 'failed') total += r.amount;
    }
    return total;
  }

  /** Every refund of the order with this `app_trans_id`, oldest first. */
  refundsOf(appTransId: string): RefundRecord[] {
    return [...this.#refunds.values()].filter((r) => r.appTransId === appTransId);
  }
}
