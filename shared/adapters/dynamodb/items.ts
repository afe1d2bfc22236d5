import type { Order } from '../../core/orders/model';
import { DAY_INDEX, DUE_CHECKS_INDEX, REVIEWS_INDEX, TABLE_KEYS } from './schema';

/**
 * The order items of the single table, without any client: what the stores write and what the
 * stream's consumer reads back (order-events carries no DynamoDB client).
 */

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;

/** The sort key of an order item (its history shares the partition). */
export const ORDER_SK = 'ORDER';
const ORDER_PREFIX = 'ORDER#';

/** Attributes that only address the item; never part of an Order or a HistoryEntry. */
const ADDRESSING = [
  PK,
  SK,
  DUE_CHECKS_INDEX.partitionKey,
  DUE_CHECKS_INDEX.sortKey,
  REVIEWS_INDEX.partitionKey,
  REVIEWS_INDEX.sortKey,
  DAY_INDEX.partitionKey,
  DAY_INDEX.sortKey,
];

type Item = Record<string, unknown>;

/** The partition key of an order and its history. */
export const orderPk = (appTransId: string): string => `${ORDER_PREFIX}${appTransId}`;

/** An item without its addressing attributes: the Order or HistoryEntry it holds. */
export const withoutAddressing = <T>(item: Item): T => {
  const copy = { ...item };
  for (const attribute of ADDRESSING) delete copy[attribute];
  return copy as T;
};

/** True for the key of an order item, and for nothing else in the table (history, idempotency). */
export const isOrderKey = (key: Item): boolean =>
  typeof key[PK] === 'string' && key[PK].startsWith(ORDER_PREFIX) && key[SK] === ORDER_SK;

/** The order an order item holds (as read, or as a stream image), without its addressing attributes. */
export const orderOfItem = (item: Item): Order => withoutAddressing<Order>(item);
