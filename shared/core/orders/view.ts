import type { Order, OrderStatus } from './model';

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
