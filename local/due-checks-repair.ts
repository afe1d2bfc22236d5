import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import { canonicalIso, isConditionalCheckFailed } from '../shared/adapters/dynamodb/client';
import { dueShardOf } from '../shared/adapters/dynamodb/order-store';
import { DUE_CHECKS_INDEX, DUE_SHARDS, TABLE_KEYS } from '../shared/adapters/dynamodb/schema';
import type { Log } from '../shared/core/observability';
import { isUnsettled, type OrderStatus } from '../shared/core/orders/model';
import type { ScheduledCheck } from '../shared/core/ports/scheduler';

type RawItem = Record<string, AttributeValue>;

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const SHARD = DUE_CHECKS_INDEX.partitionKey;
const DUE_AT = DUE_CHECKS_INDEX.sortKey;
const ORDER_SK = 'ORDER';
/** Marks the stand-in item written only to take a stale entry out of the index (see below). */
const STAND_IN = 'dueChecksRepair';

/** What {@link repairDueChecks} found and did. */
export interface DueChecksRepair {
  /** Every unsettled order's recorded check: the timers the last process lost. */
  checks: ScheduledCheck[];
  /** Unsettled orders whose index entry was missing, written again. */
  restored: number;
  /** Index entries of orders that are settled, gone or due at another time, removed. */
  removed: number;
  /** Orders the repair could not fix (logged): the next start tries again. */
  failed: number;
}

/** One index entry: the order it points to (by partition key) and its keys in the index. */
interface Entry {
  pk: string;
  shard: string;
  dueAt: string;
}

const sameEntry = (a: Entry, b: Entry) => a.pk === b.pk && a.shard === b.shard && a.dueAt === b.dueAt;

/**
 * Makes the due-checks index agree with the orders again after the local runtime was killed, and
 * returns every unsettled order's recorded check (docs/scheduling.md §5). Runs before the server
 * takes requests, on a DATA_DIR table.
 *
 * dynalite writes an item in separate steps: first it deletes the item's old index entry, then it
 * puts the new one, then the item itself (`updateIndexes`, then `put`, in dynalite's
 * `actions/putItem.js`). A process killed in between leaves an unsettled order without its entry,
 * which no sweep would ever find, or an entry for an order that is settled, missing or due at
 * another time, which sorts among the real ones. DynamoDB keeps a global secondary index
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
  const entries = await readIndex(client, tableName);

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
  const rewrite = async (order: RawItem, keys: Entry | undefined) => {
    const { [SHARD]: _shard, [DUE_AT]: _dueAt, ...rest } = order;
    await put(
      keys ? { ...rest, [SHARD]: { S: keys.shard }, [DUE_AT]: { S: keys.dueAt } } : rest,
      '#version = :version',
      { '#version': 'version' },
      { ':version': order.version! },
    );
  };
  const standInFor = async (entry: Entry) => {
    const key = { [PK]: { S: entry.pk }, [SK]: { S: ORDER_SK } };
    await put(
      { ...key, [SHARD]: { S: entry.shard }, [DUE_AT]: { S: entry.dueAt }, [STAND_IN]: { BOOL: true } },
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
    const own: Entry | undefined =
      isUnsettled(status) && at ? { pk, shard: dueShardOf(appTransId), dueAt: canonicalIso(at) } : undefined;
    if (isUnsettled(status)) {
      if (own && at) report.checks.push({ appTransId, attempt, at: new Date(at) });
      else log.error('unsettled order without a recorded check', { appTransId, status });
    }
    const found = entries.get(pk) ?? [];
    entries.delete(pk);
    const stale = found.filter((entry) => !own || !sameEntry(entry, own));
    const missing = own !== undefined && !found.some((entry) => sameEntry(entry, own));
    const wrongKeysOnItem = order[DUE_AT]?.S !== own?.dueAt || order[SHARD]?.S !== own?.shard;
    if (stale.length === 0 && !missing && !wrongKeysOnItem) continue;
    try {
      for (const entry of stale) await rewrite(order, entry);
      await rewrite(order, own);
      report.removed += stale.length;
      if (missing) report.restored++;
    } catch (error) {
      report.failed++;
      log.error('due-checks repair could not fix an order', { appTransId, error });
    }
  }
  // What is left points at no order: a create that never got as far as its item, or a stand-in.
  for (const pk of standIns) if (!entries.has(pk)) entries.set(pk, []);
  for (const [pk, stale] of entries) {
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
      for (const entry of stale) await standInFor(entry);
      report.removed += stale.length;
    } catch (error) {
      report.failed++;
      log.error('due-checks repair could not remove an entry of a missing order', { pk, error });
    }
  }
  return report;
};

/** Every entry of the due-checks index, by the partition key of the order it points to. */
const readIndex = async (client: DynamoDBClient, tableName: string): Promise<Map<string, Entry[]>> => {
  const entries = new Map<string, Entry[]>();
  for (let n = 0; n < DUE_SHARDS; n++) {
    for await (const page of paginateQuery(
      { client },
      {
        TableName: tableName,
        IndexName: DUE_CHECKS_INDEX.name,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': SHARD },
        ExpressionAttributeValues: { ':shard': { S: `DUE#${n}` } },
      },
    )) {
      for (const item of page.Items ?? []) {
        const entry = { pk: item[PK]?.S ?? '', shard: item[SHARD]?.S ?? '', dueAt: item[DUE_AT]?.S ?? '' };
        entries.set(entry.pk, [...(entries.get(entry.pk) ?? []), entry]);
      }
    }
  }
  return entries;
};
