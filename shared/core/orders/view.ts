import * as z from 'zod/mini';
import { described, isoTimestamp, lazySchema } from '../schemas';
import { describeCode } from '../zalopay/codes';
import { type Order, orderStatusSchema, type Refund, reviewReasonSchema } from './model';
import { paidAmountOf, refundableAmount } from './refunds';

/** The fields both views share, built with them (they are one schema each in the API document). */
const viewFields = /* @__PURE__ */ lazySchema(() => {
  const url = (description: string) => described(z.string(), { description, format: 'uri' });
  return {
    appTransId: described(z.string(), {
      description:
        'Our order id and ZaloPay\'s app_trans_id: the date in Vietnam (yymmdd), "_", 22 random base62 ' +
        "characters. Unguessable: it is the buyer's capability to read the order.",
      examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e'],
    }),
    amount: described(z.int().check(z.nonnegative()), {
      description: 'VND, a whole number.',
      examples: [50_000],
    }),
    description: described(z.string(), {
      description: 'What ZaloPay shows the buyer.',
      examples: ['Đơn hàng #42'],
    }),
    orderUrl: url("ZaloPay's order_url: the QR's content; on a phone, the link that opens ZaloPay."),
    qrUrl: url('The QR image of the order (`GET /orders/{appTransId}/qr`).'),
  };
});

/**
 * The public JSON of an order (docs/http-api.md §3): `GET /orders/{appTransId}`, the merchant's
 * sync, and `data.order` of the order events. Optional fields appear only when set.
 */
export const orderViewSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      appTransId: viewFields().appTransId,
      status: orderStatusSchema(),
      amount: viewFields().amount,
      description: viewFields().description,
      orderUrl: z.optional(viewFields().orderUrl),
      qrUrl: viewFields().qrUrl,
      zpTransId: z.optional(
        described(z.string(), {
          description: "ZaloPay's transaction id, once paid.",
          examples: ['261128000000017'],
        }),
      ),
      createdAt: isoTimestamp('When the order was created.'),
      updatedAt: isoTimestamp('When its status last changed (bookkeeping never moves it).'),
      expiresAt: isoTimestamp('When the buyer can no longer pay it.'),
      paidAt: z.optional(isoTimestamp('When ZaloPay took the money.')),
      settledBy: z.optional(
        described(z.enum(['callback', 'query']), {
          description: "How we learnt of the payment: ZaloPay's callback, or our status query.",
        }),
      ),
      review: z.optional(
        described(
          z.strictObject({
            reason: reviewReasonSchema(),
          }),
          { description: 'Why the order needs a person, when it does.' },
        ),
      ),
      closedReason: z.optional(
        described(z.literal('CANCELLED'), {
          description: 'Why we closed the order ourselves: CANCELLED by the merchant (status EXPIRED).',
        }),
      ),
      refundedAmount: described(z.int().check(z.nonnegative()), {
        description: 'VND refunded so far: the sum of the SUCCEEDED refunds.',
      }),
    }),
    {
      description:
        'An order as a client sees it. Deterministic: the same stored order always gives the same bytes.',
    },
  ),
);

/** The public JSON of an order. */
export type OrderView = z.output<ReturnType<typeof orderViewSchema>>;

/** The `201` JSON of `POST /orders` (docs/http-api.md §2): what a client needs to show the QR. */
export const createdOrderViewSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      appTransId: viewFields().appTransId,
      status: orderStatusSchema(),
      amount: viewFields().amount,
      description: viewFields().description,
      orderUrl: z.optional(viewFields().orderUrl),
      qrCode: described(z.nullable(z.string()), {
        description: "ZaloPay's VietQR payload (scan with a banking app), or null when ZaloPay sent none.",
      }),
      zpTransToken: z.optional(described(z.string(), { description: "ZaloPay's zp_trans_token." })),
      qrUrl: viewFields().qrUrl,
      createdAt: isoTimestamp('When the order was created.'),
      expiresAt: isoTimestamp('When the buyer can no longer pay it.'),
      statusCheckAt: described(z.nullable(z.string()), {
        description: 'When the first status check runs (ISO-8601), or null when none is planned.',
        format: 'date-time',
      }),
    }),
    {
      description:
        'A new order, as `POST /orders` answers it. `status` is PENDING, unless a callback settled the ' +
        'order before the create answer was applied: the order is then shown as it stands.',
    },
  ),
);

/** The `201` JSON of `POST /orders`. */
export type CreatedOrderView = z.output<ReturnType<typeof createdOrderViewSchema>>;

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

const refundStatusSchema = /* @__PURE__ */ lazySchema(() =>
  described(z.enum(['RESERVED', 'PROCESSING', 'SUCCEEDED', 'FAILED']), {
    description:
      'RESERVED before ZaloPay is asked, PROCESSING while ZaloPay has not said (or did not answer), then ' +
      'SUCCEEDED or FAILED (final). Only FAILED gives its amount back.',
  }),
);

/** One refund as the merchant sees it (docs/http-api.md §5). */
export const refundViewSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      mRefundId: described(z.string(), {
        description: "Our m_refund_id: yymmdd (Vietnam), '_', the app id, '_', random characters.",
        examples: ['261128_2553_4kTq9ZbX2mLp7RvN3sWc'],
      }),
      amount: viewFields().amount,
      description: described(z.string(), {
        description: 'The reason ZaloPay records.',
        examples: ['Hoàn tiền'],
      }),
      status: refundStatusSchema(),
      refundId: z.optional(described(z.string(), { description: "ZaloPay's refund_id, once given." })),
      createdAt: isoTimestamp('When the refund was requested.'),
      updatedAt: isoTimestamp('When it last changed.'),
      failure: z.optional(
        described(
          z.strictObject({
            returnCode: z.int(),
            subReturnCode: z.optional(z.int()),
            subReturnMessage: z.optional(z.string()),
            name: z.optional(z.string()),
            meaning: z.optional(z.string()),
            retryable: described(z.boolean(), { description: 'Whether a new refund may work later.' }),
          }),
          { description: "ZaloPay's codes when it failed, with their documented meaning." },
        ),
      ),
      nextCheckAt: z.optional(isoTimestamp('When the next query_refund runs, while not final.')),
    }),
    { description: 'One refund of an order.' },
  ),
);
export type RefundView = z.output<ReturnType<typeof refundViewSchema>>;

/** `GET /orders/{appTransId}/refunds`: the ledger and its totals. */
export const refundsViewSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      appTransId: viewFields().appTransId,
      status: orderStatusSchema(),
      paidAmount: viewFields().amount,
      refundedAmount: viewFields().amount,
      refundableAmount: described(z.int().check(z.nonnegative()), {
        description: 'What can still be refunded: paid minus every refund that has not failed.',
      }),
      refunds: z.array(refundViewSchema()),
    }),
    { description: "An order's refund ledger, oldest first." },
  ),
);
export type RefundsView = z.output<ReturnType<typeof refundsViewSchema>>;

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
