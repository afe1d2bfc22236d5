import * as z from 'zod/mini';
import { ORDER_STATUSES, type Order, type OrderStatus, type Refund } from './orders/model';
import { orderViewSchema, refundViewSchema, toOrderView, toRefundView } from './orders/view';
import { described, isoTimestamp, lazySchema } from './schemas';

/**
 * Order events (docs/events.md §2): one per client-visible change of an order, made from the order
 * as it was and as it is (a DynamoDB stream record's old and new images on AWS, the same locally).
 * Pure: the same change always gives the same event, so redeliveries carry the same `id`.
 */

/** `order.paid`, `order.expired`, …: the new status in lower case. */
export type OrderEventType = `order.${Lowercase<Exclude<OrderStatus, 'CREATING'>>}`;

/** A refund became final without changing the order's status (docs/events.md §2). */
export const REFUND_EVENT_TYPES = ['refund.succeeded', 'refund.failed'] as const;
export type RefundEventType = (typeof REFUND_EVENT_TYPES)[number];

export type EventType = OrderEventType | RefundEventType;

/**
 * Every event type: one per status an order can change to (CREATING is never one), then one per
 * final state of a refund.
 */
export const EVENT_TYPES = [
  ...ORDER_STATUSES.filter((s) => s !== 'CREATING').map((s) => `order.${s.toLowerCase()}`),
  ...REFUND_EVENT_TYPES,
] as EventType[] as [EventType, ...EventType[]];

/** An event's id (the webhook's `webhook-id`): its order and the order's version after the change. */
export const eventIdSchema = /* @__PURE__ */ lazySchema(() =>
  described(z.string(), {
    description:
      '`<appTransId>.<version>`: stable across redeliveries, so consumers deduplicate on it; the ' +
      "version orders one order's events.",
    examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e.4'],
  }),
);

/**
 * What every consumer receives (docs/events.md §2): the webhook body, EventBridge's `detail`. The
 * API document publishes it as the webhook's body, so receivers can validate what we send.
 */
export const eventEnvelopeSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      id: eventIdSchema(),
      type: described(z.enum(EVENT_TYPES), {
        description:
          "`order.` and the order's new status in lower case; or, when a refund became final " +
          '(`SUCCEEDED` or `FAILED`) without the status changing, `refund.succeeded` or `refund.failed`.',
      }),
      createdAt: isoTimestamp(
        "When the change happened: the order's `updatedAt`, never the time of a delivery.",
      ),
      data: z.strictObject({
        order: orderViewSchema(),
        refund: described(z.optional(refundViewSchema()), {
          description:
            'The refund that became final in this change: on `refund.succeeded` and `refund.failed`, ' +
            'and on the `order.refunded` its success completed.',
        }),
      }),
    }),
    {
      description:
        'An order event (docs/events.md §2): one per change a client can see, a status change or a ' +
        'refund that became final.',
    },
  ),
);

/** What every consumer receives (docs/events.md §2). */
export type EventEnvelope = z.output<ReturnType<typeof eventEnvelopeSchema>>;

/** What the buyer's page is pushed (docs/events.md §5): no personal data, the page re-reads the order. */
export interface PushMessage {
  id: string;
  type: EventType;
  appTransId: string;
  status: OrderStatus;
  updatedAt: string;
}

/**
 * The event for a change from `before` (undefined for a new order) to `after`, or undefined when
 * nothing a client can see changed: bookkeeping (the next check, a refund reserved or still
 * processing) and a new order still CREATING make none. A change is one write, so it has one
 * event and the event's id is the write's version: a status change is `order.<status>`; a refund
 * that became final without one is `refund.succeeded` or `refund.failed`. The success that
 * completes a full refund changes the status too, so it is one `order.refunded` carrying that
 * refund.
 */
export const eventOf = (
  before: Order | undefined,
  after: Order,
  publicBaseUrl: string,
): EventEnvelope | undefined => {
  if (after.status === 'CREATING') return undefined;
  const refund = settledRefund(before, after);
  let type: EventType;
  if (before?.status !== after.status) type = `order.${after.status.toLowerCase()}` as OrderEventType;
  else if (refund) type = refund.status === 'SUCCEEDED' ? 'refund.succeeded' : 'refund.failed';
  else return undefined;
  return {
    id: eventId(after),
    type,
    createdAt: after.updatedAt,
    data: { order: toOrderView(after, publicBaseUrl), ...(refund && { refund: toRefundView(refund) }) },
  };
};

const isFinal = (refund: Refund) => refund.status === 'SUCCEEDED' || refund.status === 'FAILED';

/**
 * The refund that became final between `before` and `after`. One write settles at most one refund
 * (docs/state-machine.md §6); the first is taken should a write ever settle more.
 */
const settledRefund = (before: Order | undefined, after: Order): Refund | undefined =>
  after.refunds?.find(
    (refund) =>
      isFinal(refund) &&
      !before?.refunds?.some((earlier) => earlier.mRefundId === refund.mRefundId && isFinal(earlier)),
  );

/** The id of the event a write of `order` made: its order and version. */
export const eventId = (order: Pick<Order, 'appTransId' | 'version'>): string =>
  `${order.appTransId}.${order.version}`;

/** The version an event id names, so a receiver can put events of one order in order. */
export const versionOf = (id: string): number => Number(id.slice(id.lastIndexOf('.') + 1));

/** The push message for an event. */
export const pushMessageOf = (event: EventEnvelope): PushMessage => ({
  id: event.id,
  type: event.type,
  appTransId: event.data.order.appTransId,
  status: event.data.order.status,
  updatedAt: event.data.order.updatedAt,
});

/** The AppSync Events namespace of order channels (docs/events.md §5). */
export const PUSH_NAMESPACE = 'orders';

/**
 * An order's push channel: `/orders/<appTransId with "_" as "-">`. Channel segments allow only
 * letters, digits and dashes; our ids have no other dash, so the mapping is reversible.
 */
export const channelOf = (appTransId: string): string =>
  `/${PUSH_NAMESPACE}/${appTransId.replaceAll('_', '-')}`;

/** The order a channel is for, or undefined for anything but one order's channel (a wildcard, say). */
export const appTransIdOfChannel = (channel: string): string | undefined => {
  const match = /^\/orders\/([0-9A-Za-z-]{1,40})$/.exec(channel);
  return match?.[1]?.replaceAll('-', '_');
};
