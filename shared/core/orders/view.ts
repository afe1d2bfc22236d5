import { describeCode } from '../zalopay/codes';
import type { Order, OrderStatus, Refund, RefundStatus } from './model';
import { paidAmountOf, refundableAmount } from './refunds';

/** The public JSON of an order (docs/http-api.md `GET /orders/{appTransId}`). */
export interface OrderView {
  appTransId: string;
  status: OrderStatus;
  amount: number;
  description: string;
  orderUrl?: string;
  qrUrl: string;
  zpTransId?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  paidAt?: string;
  settledBy?: 'callback' | 'query';
  review?: { reason: string };
  /** Why we closed it ourselves: `CANCELLED` by the merchant. */
  closedReason?: 'CANCELLED';
  refundedAmount: number;
}

/** The `201` JSON of `POST /orders` (docs/http-api.md §2): what a client needs to show the QR. */
export interface CreatedOrderView {
  appTransId: string;
  status: OrderStatus;
  amount: number;
  description: string;
  orderUrl: string | undefined;
  /** ZaloPay's VietQR payload; null when ZaloPay sends none. */
  qrCode: string | null;
  zpTransToken: string | undefined;
  qrUrl: string;
  createdAt: string;
  expiresAt: string;
  /** When the first status check runs; null when none is planned. */
  statusCheckAt: string | null;
}

/** Path of an order's QR image, relative to the API base. */
export const qrPath = (appTransId: string): string => `/orders/${encodeURIComponent(appTransId)}/qr`;

const qrUrlOf = (order: Order, publicBaseUrl: string) => `${publicBaseUrl}${qrPath(order.appTransId)}`;

/**
 * Projects a stored order to its public view. Deterministic: the same stored order always gives the
 * same bytes (fixed key order, no server time, no internal fields such as version or history).
 */
export const toOrderView = (order: Order, publicBaseUrl: string): OrderView => ({
  appTransId: order.appTransId,
  status: order.status,
  amount: order.amount,
  description: order.description,
  ...(order.orderUrl ? { orderUrl: order.orderUrl } : {}),
  qrUrl: qrUrlOf(order, publicBaseUrl),
  ...(order.zpTransId ? { zpTransId: order.zpTransId } : {}),
  createdAt: order.createdAt,
  updatedAt: order.updatedAt,
  expiresAt: order.expiresAt,
  ...(order.paidAt ? { paidAt: order.paidAt } : {}),
  ...(order.settledBy ? { settledBy: order.settledBy } : {}),
  ...(order.review ? { review: { reason: order.review.reason } } : {}),
  ...(order.closedReason ? { closedReason: order.closedReason } : {}),
  refundedAmount: order.refundedAmount,
});

/** Projects an order ZaloPay has just created to the `201` of `POST /orders`. */
export const toCreatedOrderView = (order: Order, publicBaseUrl: string): CreatedOrderView => ({
  appTransId: order.appTransId,
  status: order.status,
  amount: order.amount,
  description: order.description,
  orderUrl: order.orderUrl,
  qrCode: order.qrCode ?? null,
  zpTransToken: order.zpTransToken,
  qrUrl: qrUrlOf(order, publicBaseUrl),
  createdAt: order.createdAt,
  expiresAt: order.expiresAt,
  statusCheckAt: order.nextCheck?.at ?? null,
});

/** One refund as the merchant sees it (docs/http-api.md §5). */
export interface RefundView {
  mRefundId: string;
  amount: number;
  description: string;
  status: RefundStatus;
  /** ZaloPay's `refund_id`, once given. */
  refundId?: string;
  createdAt: string;
  updatedAt: string;
  /** ZaloPay's codes when it failed, with their documented meaning and whether trying again may work. */
  failure?: {
    returnCode: number;
    subReturnCode?: number;
    subReturnMessage?: string;
    name?: string;
    meaning?: string;
    retryable: boolean;
  };
  /** When the next `query_refund` runs, while not final. */
  nextCheckAt?: string;
}

/** `GET /orders/{appTransId}/refunds`: the ledger and its totals. */
export interface RefundsView {
  appTransId: string;
  status: OrderStatus;
  paidAmount: number;
  refundedAmount: number;
  /** What can still be refunded: paid minus every refund that has not failed. */
  refundableAmount: number;
  refunds: RefundView[];
}

export const toRefundView = (refund: Refund): RefundView => {
  const result = refund.result;
  const detail = result?.subReturnCode ?? result?.returnCode;
  const code =
    detail === undefined
      ? undefined
      : (describeCode('refund', detail) ?? describeCode('query_refund', detail));
  return {
    mRefundId: refund.mRefundId,
    amount: refund.amount,
    description: refund.description,
    status: refund.status,
    ...(refund.refundId !== undefined && { refundId: refund.refundId }),
    createdAt: refund.createdAt,
    updatedAt: refund.updatedAt,
    ...(refund.status === 'FAILED' &&
      result && {
        failure: {
          returnCode: result.returnCode,
          ...(result.subReturnCode !== undefined && { subReturnCode: result.subReturnCode }),
          ...(result.subReturnMessage && { subReturnMessage: result.subReturnMessage }),
          ...(code && { name: code.name, meaning: code.meaning }),
          retryable: code?.retryable ?? false,
        },
      }),
    ...(refund.nextCheck && { nextCheckAt: refund.nextCheck.at }),
  };
};

export const toRefundsView = (order: Order): RefundsView => ({
  appTransId: order.appTransId,
  status: order.status,
  paidAmount: order.zpTransId === undefined ? 0 : paidAmountOf(order),
  refundedAmount: order.refundedAmount,
  refundableAmount: refundableAmount(order),
  refunds: (order.refunds ?? []).map(toRefundView),
});
