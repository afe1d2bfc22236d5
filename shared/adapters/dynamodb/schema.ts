/**
 * The single-table layout, shared by the DynamoDB adapter, the local runtime, the tests and the
 * CDK stack so they cannot drift apart.
 *
 * | item             | pk                  | sk                        |
 * |------------------|---------------------|---------------------------|
 * | order            | `ORDER#<id>`        | `ORDER`                   |
 * | history entry    | `ORDER#<id>`        | `HISTORY#<iso time>#<rnd>`|
 * | idempotency key  | `IDEMPOTENCY#<hash>`| `IDEMPOTENCY`             |
 *
 * Unsettled orders also carry `dueShard` / `dueAt`, the keys of the overdue-check index; both are
 * removed when the order settles, so the index only ever holds orders that still need a check. A
 * paid order carries them while one of its refunds waits for a follow-up (`dueAt` is the earliest).
 * Orders that wait for a person carry `reviewQueue` / `reviewAt`, the keys of the reviews index.
 * Every order whose id starts with a `yymmdd` day carries `dayShard` / `dayOrder`, the keys of the
 * orders-by-day index (reconciliation, docs/reconciliation.md §2).
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const DUE_CHECKS_INDEX = {
  name: 'due-checks',
  partitionKey: 'dueShard',
  sortKey: 'dueAt',
  /** Projected besides the keys: just what the sweeper needs to schedule a check. */
  nonKeyAttributes: ['appTransId', 'nextCheck'],
} as const;

/**
 * Orders that wait for a person (REVIEW, or PAID after we had closed them), newest first. Sparse
 * like the due-checks index: only those orders carry its keys. One partition: reviews are rare,
 * far below a partition's write limit, and one partition keeps the list in one order.
 */
export const REVIEWS_INDEX = {
  name: 'reviews',
  partitionKey: 'reviewQueue',
  sortKey: 'reviewAt',
  /** The one `reviewQueue` value. */
  queue: 'REVIEW',
  /** Projected besides the keys: what the review list shows of each order. */
  nonKeyAttributes: ['appTransId', 'status', 'review', 'amount', 'paidAmount', 'zpTransId', 'createdAt'],
} as const;

/**
 * Every order of a Vietnam day, by id, without a scan: the reconciliation's list. The keys never
 * change (they come from the id), so an order's entry is written once with the order. Only the keys
 * are projected: reconciliation reads each order itself, strongly consistent.
 */
export const DAY_INDEX = {
  name: 'orders-by-day',
  /** `DAY#<yymmdd>#<n>`: a day's orders spread over {@link DAY_SHARDS} partitions. */
  partitionKey: 'dayShard',
  /** The `app_trans_id`, so that a day reads in id order and a cursor is the last id read. */
  sortKey: 'dayOrder',
} as const;

/** A day's orders spread over this many index partitions (write sharding, as the due checks). */
export const DAY_SHARDS = 4;

/** Unsettled orders spread over this many index partitions (write sharding). */
export const DUE_SHARDS = 4;

/** Epoch seconds after which DynamoDB deletes the item (idempotency records). */
export const TTL_ATTRIBUTE = 'ttl';
