import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import { canonicalIso, isConditionalCheckFailed } from '../shared/adapters/dynamodb/client';
import { dayShardOf, dueShardOf } from '../shared/adapters/dynamodb/order-store';
import {
  DAY_INDEX,
  DUE_CHECKS_INDEX,
  DUE_SHARDS,
  REVIEWS_INDEX,
  TABLE_KEYS,
} from '../shared/adapters/dynamodb/schema';
import type { Log } from '../shared/core/observability';
import { isUnsettled, type OrderStatus } from '../shared/core/orders/model';
import type { ScheduledCheck } from '../shared/core/ports/scheduler';

type RawItem = Record<string, AttributeValue>;

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const ORDER_SK = 'ORDER';
/** Marks the stand-in item written only to take a stale entry out of an index (see below). */
const STAND_IN = 'dueChecksRepair';

/** A sparse index of the orders that dynalite may leave out of step with them. */
interface SparseIndex {
  name: string;
  partitionKey: string;
  sortKey: string;
  partitions: readonly string[];
}

const DUE_CHECKS: SparseIndex = {
  ...DUE_CHECKS_INDEX,
  partitions: Array.from({ length: DUE_SHARDS }, (_, n) => `DUE#${n}`),
};
const REVIEWS: SparseIndex = { ...REVIEWS_INDEX, partitions: [REVIEWS_INDEX.queue] };

/** What {@link repairDueChecks} found and did. */
export interface DueChecksRepair {
  /** Every unsettled order's recorded check: the timers the last process lost. */
  checks: ScheduledCheck[];
  /** Index entries that were missing (an unsettled order's due check, an order's review), written again. */
  restored: number;
  /** Index entries of orders that are settled, gone, due at another time or no longer for review, removed. */
  removed: number;
  /** Orders the repair could not fix (logged): the next start tries again. */
  failed: number;
}

/** One index entry: the order it points to (by partition key) and its keys in the index. */
interface Entry {
  pk: string;
  partition: string;
  sort: string;
}

const sameEntry = (a: Entry, b: Entry) => a.pk === b.pk && a.partition === b.partition && a.sort === b.sort;

/** An order's entry in each index, or undefined where it has none. */
type Keys = Map<SparseIndex, Entry | undefined>;

/**
 * Makes the due-checks index, and the reviews index, agree with the orders again after the local
 * runtime was killed, and returns every unsettled order's recorded check (docs/scheduling.md §5).
 * Runs before the server takes requests, on a DATA_DIR table. A missing review entry hides an
 * order from `GET /reviews`; a stale one lists an order that needs no one.
 *
 * dynalite writes an item in separate steps: first it deletes the item's old index entry, then it
 * puts the new one, then the item itself (`updateIndexes`, then `put`, in dynalite's
 * `actions/putItem.js`). A process killed in between leaves an unsettled order without its entry,
 * which no sweep would ever find, or an entry for an order that is settled, missing or due at
 * another time, which sorts among the real ones (the same for an order's review entry). DynamoDB keeps a global secondary index
 * consistent with its items, so this is a concern of the local runtime only.
 *
 * The orders are read with a Scan, not through the index it repairs. dynalite's own rule is the
 * only way to touch an entry: a write of an item deletes the entry of the item's previous keys
 * and puts the entry of its new ones. So an order is rewritten, unchanged but for its index keys,
 * once with each stale entry's keys and once with its own; an entry whose order is gone is taken
 * out by a stand-in item with the entry's keys, written and deleted at once. Every write is
 * conditional on the order's version (or on the stand-in), and every step is safe to repeat: a
 * crash during the repair is repaired at the next start.
 */
export const repairDueChecks = async (
  { client, tableName }: { client: DynamoDBClient; tableName: string },
  log: Log,
): Promise<DueChecksRepair> => {
  const report: DueChecksRepair = { checks: [], restored: 0, removed: 0, failed: 0 };
  const orders = new Map<string, RawItem>();
  const standIns = new Set<string>();
  for await (const page of paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: '#sk = :order',
      ExpressionAttributeNames: { '#sk': SK },
      ExpressionAttributeValues: { ':order': { S: ORDER_SK } },
    },
  )) {
    for (const item of page.Items ?? []) {
      const pk = item[PK]?.S;
      if (!pk) continue;
      if (item[STAND_IN]) standIns.add(pk);
      else orders.set(pk, item);
    }
  }
  // The orders-by-day index is not sparse by state but by day: the days of the orders are its
  // partitions (an entry of a day without any order is not found, and lists an id that is no order).
  const byDay: SparseIndex = {
    ...DAY_INDEX,
    partitions: [
      ...new Set(
        [...orders.values()]
          .map((item) => item.appTransId?.S && dayShardOf(item.appTransId.S))
          .filter((shard): shard is string => typeof shard === 'string'),
      ),
    ],
  };
  const indexes = [DUE_CHECKS, REVIEWS, byDay] as const;
  const entries = new Map(
    await Promise.all(
      indexes.map(async (index) => [index, await readIndex(client, tableName, index)] as const),
    ),
  );

  const put = (item: RawItem, condition: string, names: Record<string, string>, values?: RawItem) =>
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  const rewrite = async (order: RawItem, keys: Keys) => {
    const item = { ...order };
    for (const index of indexes) {
      delete item[index.partitionKey];
      delete item[index.sortKey];
      const entry = keys.get(index);
      if (entry)
        Object.assign(item, {
          [index.partitionKey]: { S: entry.partition },
          [index.sortKey]: { S: entry.sort },
        });
    }
    await put(item, '#version = :version', { '#version': 'version' }, { ':version': order.version! });
  };
  const standInFor = async (index: SparseIndex, entry: Entry) => {
    const key = { [PK]: { S: entry.pk }, [SK]: { S: ORDER_SK } };
    await put(
      {
        ...key,
        [index.partitionKey]: { S: entry.partition },
        [index.sortKey]: { S: entry.sort },
        [STAND_IN]: { BOOL: true },
      },
      'attribute_not_exists(#pk)',
      { '#pk': PK },
    ).catch((error: unknown) => {
      // A stand-in left by a repair that was itself interrupted: the delete below takes it.
      if (!isConditionalCheckFailed(error)) throw error;
    });
    await client.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: key,
        ConditionExpression: 'attribute_exists(#standIn)',
        ExpressionAttributeNames: { '#standIn': STAND_IN },
      }),
    );
  };

  for (const [pk, order] of orders) {
    const appTransId = order.appTransId?.S;
    const status = order.status?.S as OrderStatus | undefined;
    const nextCheck = order.nextCheck?.M;
    const at = nextCheck?.at?.S;
    const attempt = Number(nextCheck?.attempt?.N);
    if (!appTransId || !status || !order.version) {
      log.warn('due-checks repair skipped an item that is not an order', { pk });
      continue;
    }
    const due: Entry | undefined =
      isUnsettled(status) && at
        ? { pk, partition: dueShardOf(appTransId), sort: canonicalIso(at) }
        : undefined;
    if (isUnsettled(status)) {
      if (due && at) report.checks.push({ appTransId, attempt, at: new Date(at) });
      else log.error('unsettled order without a recorded check', { appTransId, status });
    }
    // The review keys are the item's own: it was written last, from the order (`toOrderItem`).
    const queue = order[REVIEWS.partitionKey]?.S;
    const since = order[REVIEWS.sortKey]?.S;
    const dayShard = dayShardOf(appTransId);
    const own: Keys = new Map([
      [DUE_CHECKS, due],
      [REVIEWS, queue && since ? { pk, partition: queue, sort: since } : undefined],
      // An order written before the index existed gets its day keys here (the backfill).
      [byDay, dayShard ? { pk, partition: dayShard, sort: appTransId } : undefined],
    ]);
    const stale: [SparseIndex, Entry][] = [];
    let missing = 0;
    let wrongKeysOnItem = false;
    for (const index of indexes) {
      const mine = own.get(index);
      const found = entries.get(index)!.get(pk) ?? [];
      entries.get(index)!.delete(pk);
      for (const entry of found) if (!mine || !sameEntry(entry, mine)) stale.push([index, entry]);
      if (mine && !found.some((entry) => sameEntry(entry, mine))) missing++;
      if (order[index.partitionKey]?.S !== mine?.partition || order[index.sortKey]?.S !== mine?.sort)
        wrongKeysOnItem = true;
    }
    if (stale.length === 0 && missing === 0 && !wrongKeysOnItem) continue;
    try {
      // Each stale entry is replaced by one written for it, which the final rewrite then deletes.
      for (const [index, entry] of stale) await rewrite(order, new Map([...own, [index, entry]]));
      await rewrite(order, own);
      report.removed += stale.length;
      report.restored += missing;
    } catch (error) {
      report.failed++;
      log.error('due-checks repair could not fix an order', { appTransId, error });
    }
  }
  // What is left points at no order: a create that never got as far as its item, or a stand-in.
  const orphans = new Map<string, [SparseIndex, Entry][]>([...standIns].map((pk) => [pk, []]));
  for (const [index, byOrder] of entries) {
    for (const [pk, stale] of byOrder) {
      orphans.set(pk, [
        ...(orphans.get(pk) ?? []),
        ...stale.map((entry) => [index, entry] as [SparseIndex, Entry]),
      ]);
    }
  }
  for (const [pk, stale] of orphans) {
    try {
      if (standIns.has(pk)) {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { [PK]: { S: pk }, [SK]: { S: ORDER_SK } },
            ConditionExpression: 'attribute_exists(#standIn)',
            ExpressionAttributeNames: { '#standIn': STAND_IN },
          }),
        );
      }
      for (const [index, entry] of stale) await standInFor(index, entry);
      report.removed += stale.length;
    } catch (error) {
      report.failed++;
      log.error('due-checks repair could not remove an entry of a missing order', { pk, error });
    }
  }
  return report;
};

/** Every entry of one index, by the partition key of the order it points to. */
const readIndex = async (
  client: DynamoDBClient,
  tableName: string,
  index: SparseIndex,
): Promise<Map<string, Entry[]>> => {
  const entries = new Map<string, Entry[]>();
  for (const partition of index.partitions) {
    for await (const page of paginateQuery(
      { client },
      {
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#partition = :partition',
        ExpressionAttributeNames: { '#partition': index.partitionKey },
        ExpressionAttributeValues: { ':partition': { S: partition } },
      },
    )) {
      for (const item of page.Items ?? []) {
        const entry = {
          pk: item[PK]?.S ?? '',
          partition: item[index.partitionKey]?.S ?? '',
          sort: item[index.sortKey]?.S ?? '',
        };
        entries.set(entry.pk, [...(entries.get(entry.pk) ?? []), entry]);
      }
    }
  }
  return entries;
};
