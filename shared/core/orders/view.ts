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

/** Path of an order's QR image, relative to the API base. */
export const qrPath = (appTransId: string): string => `/orders/${encodeURIComponent(appTransId)}/qr`;

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
  qrUrl: `${publicBaseUrl}${qrPath(order.appTransId)}`,
  ...(order.zpTransId ? { zpTransId: order.zpTransId } : {}),
  createdAt: order.createdAt,
  updatedAt: order.updatedAt,
  expiresAt: order.expiresAt,
  ...(order.paidAt ? { paidAt: order.paidAt } : {}),
  ...(order.settledBy ? { settledBy: order.settledBy } : {}),
  ...(order.review ? { review: { reason: order.review.reason } } : {}),
  refundedAmount: order.refundedAmount,
});
