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
 * removed when the order settles, so the index only ever holds orders that still need a check.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const DUE_CHECKS_INDEX = {
  name: 'due-checks',
  partitionKey: 'dueShard',
  sortKey: 'dueAt',
  /** Projected besides the keys: just what the sweeper needs to schedule a check. */
  nonKeyAttributes: ['appTransId', 'nextCheck'],
} as const;

/** Unsettled orders spread over this many index partitions (write sharding). */
export const DUE_SHARDS = 4;

/** Epoch seconds after which DynamoDB deletes the item (idempotency records). */
export const TTL_ATTRIBUTE = 'ttl';
