import * as z from 'zod/mini';
import { ORDER_STATUSES, type Order, type OrderStatus } from './orders/model';
import { orderViewSchema, toOrderView } from './orders/view';
import { described, isoTimestamp } from './schemas';

/**
 * Order events (docs/events.md §2): one per client-visible change of an order, made from the order
 * as it was and as it is (a DynamoDB stream record's old and new images on AWS, the same locally).
 * Pure: the same change always gives the same event, so redeliveries carry the same `id`.
 */

/** `order.paid`, `order.expired`, …: the new status in lower case. */
export type EventType = `order.${Lowercase<Exclude<OrderStatus, 'CREATING'>>}`;

/** Every event type: one per status an order can change to (CREATING is never one). */
export const EVENT_TYPES = ORDER_STATUSES.filter((s) => s !== 'CREATING').map(
  (s) => `order.${s.toLowerCase()}`,
) as [EventType, ...EventType[]];

/** An event's id (the webhook's `webhook-id`): its order and the order's version after the change. */
export const eventIdSchema = described(z.string(), {
  description:
    '`<appTransId>.<version>`: stable across redeliveries, so consumers deduplicate on it; the ' +
    "version orders one order's events.",
  examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e.4'],
});

/**
 * What every consumer receives (docs/events.md §2): the webhook body, EventBridge's `detail`. The
 * API document publishes it as the webhook's body, so receivers can validate what we send.
 */
export const eventEnvelopeSchema = described(
  z.strictObject({
    id: eventIdSchema,
    type: described(z.enum(EVENT_TYPES), {
      description: "`order.` and the order's new status in lower case.",
    }),
    createdAt: isoTimestamp(
      "When the change happened: the order's `updatedAt`, never the time of a delivery.",
    ),
    data: z.strictObject({ order: orderViewSchema }),
  }),
  { description: 'An order event (docs/events.md §2): one per status change a client can see.' },
);

/** What every consumer receives (docs/events.md §2). */
export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;

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
 * nothing a client can see changed: bookkeeping (the next check) and a new order still CREATING
 * make none.
 */
export const eventOf = (
  before: Order | undefined,
  after: Order,
  publicBaseUrl: string,
): EventEnvelope | undefined => {
  if (after.status === 'CREATING' || before?.status === after.status) return undefined;
  return {
    id: eventId(after),
    type: `order.${after.status.toLowerCase()}` as EventType,
    createdAt: after.updatedAt,
    data: { order: toOrderView(after, publicBaseUrl) },
  };
};

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
