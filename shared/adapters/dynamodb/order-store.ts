import { createHash, randomBytes } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type HistoryEntry,
  nextRefundCheck,
  type Order,
  type OrderStatus,
  reviewSince,
} from '../../core/orders/model';
import {
  type DayOrdersPage,
  type DueCheck,
  type DueChecksPage,
  InvalidCursorError,
  type OrderStore,
  type ReviewEntry,
  type ReviewPage,
} from '../../core/ports/store';
import { dayOfAppTransId } from '../../core/zalopay/ids';
import { canonicalIso, type DynamoStoreOptions, isConditionalCheckFailed } from './client';
import { isOrderKey, ORDER_SK, orderOfItem, orderPk, withoutAddressing } from './items';
import { DAY_INDEX, DAY_SHARDS, DUE_CHECKS_INDEX, DUE_SHARDS, REVIEWS_INDEX, TABLE_KEYS } from './schema';

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const HISTORY_PREFIX = 'HISTORY#';

type Item = Record<string, unknown>;

export { isOrderKey, ORDER_SK, orderOfItem, orderPk };

/** Options of {@link DynamoOrderStore}. */
export interface DynamoOrderStoreOptions extends DynamoStoreOptions {
  /**
   * Items per Query page for history and due checks. DynamoDB's 1 MB page cap applies anyway;
   * a small value makes the pagination paths easy to exercise.
   */
  pageSize?: number;
}

/** The overdue-check index partition of an order: a stable hash of its id, so rewrites never move it. */
export const dueShardOf = (appTransId: string): string =>
  `DUE#${createHash('sha256').update(appTransId).digest().readUInt32BE(0) % DUE_SHARDS}`;

const shardNumber = (appTransId: string, shards: number): number =>
  createHash('sha256').update(appTransId).digest().readUInt32BE(0) % shards;

/** The orders-by-day index partition of an order (undefined when its id starts with no day). */
export const dayShardOf = (appTransId: string): string | undefined => {
  const day = dayOfAppTransId(appTransId);
  return day && `DAY#${day}#${shardNumber(appTransId, DAY_SHARDS)}`;
};

const dayShards = (day: string): string[] => Array.from({ length: DAY_SHARDS }, (_, n) => `DAY#${day}#${n}`);

const ALL_DUE_SHARDS = Array.from({ length: DUE_SHARDS }, (_, n) => `DUE#${n}`);

// A per-process sequence ahead of the random part keeps entries one writer appends with the same
// timestamp (a fixed test clock, or two within a millisecond) in the order they were appended.
let historySequence = 0;
const historySk = (at: string): string =>
  `${HISTORY_PREFIX}${canonicalIso(at)}#${(historySequence++).toString(36).padStart(10, '0')}${randomBytes(8).toString('hex')}`;

const toOrderItem = (order: Order): Item => {
  const reviewAt = reviewSince(order);
  const dayShard = dayShardOf(order.appTransId);
  const dueAt = order.nextCheck?.at ?? nextRefundCheck(order);
  return {
    ...order,
    // The marshaller tells a plain object by its `constructor` property, which a metadata key of
    // that name replaces; a Map is marshalled by its entries, whatever their names.
    ...(order.metadata && { metadata: new Map(Object.entries(order.metadata)) }),
    [PK]: orderPk(order.appTransId),
    [SK]: ORDER_SK,
    // Only orders awaiting a check (their own or a refund's) carry the index keys, so the sparse
    // index holds nothing else.
    ...(dueAt && {
      [DUE_CHECKS_INDEX.partitionKey]: dueShardOf(order.appTransId),
      [DUE_CHECKS_INDEX.sortKey]: canonicalIso(dueAt),
    }),
    // Every order of a day, for reconciliation; its keys never change.
    ...(dayShard && { [DAY_INDEX.partitionKey]: dayShard, [DAY_INDEX.sortKey]: order.appTransId }),
    // The same for the orders that wait for a person.
    ...(reviewAt && {
      [REVIEWS_INDEX.partitionKey]: REVIEWS_INDEX.queue,
      [REVIEWS_INDEX.sortKey]: canonicalIso(reviewAt),
    }),
  };
};

/** A review-list cursor: the index key DynamoDB stopped at, as opaque text. */
const encodeCursor = (key: Item): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** The index key of a cursor, checked to be one this store could have given out. */
const decodeCursor = (cursor: string): Item => {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('the cursor is not one the review list gave out');
  }
  const k = (key ?? {}) as Record<string, unknown>;
  const fields = [PK, SK, REVIEWS_INDEX.partitionKey, REVIEWS_INDEX.sortKey];
  const valid =
    typeof key === 'object' &&
    Object.keys(k).length === fields.length &&
    fields.every((f) => typeof k[f] === 'string') &&
    (k[PK] as string).startsWith('ORDER#') &&
    k[SK] === ORDER_SK &&
    k[REVIEWS_INDEX.partitionKey] === REVIEWS_INDEX.queue &&
    !Number.isNaN(Date.parse(k[REVIEWS_INDEX.sortKey] as string));
  if (!valid) throw new InvalidCursorError('the cursor is not one the review list gave out');
  return k;
};

const toReviewEntry = (item: Item): ReviewEntry => {
  const o = item as unknown as Order;
  return {
    appTransId: o.appTransId,
    status: o.status,
    // Only orders that need a review carry the index keys, and each of them has its reason.
    reason: o.review!.reason,
    since: item[REVIEWS_INDEX.sortKey] as string,
    amount: o.amount,
    ...(o.paidAmount !== undefined && { paidAmount: o.paidAmount }),
    ...(o.zpTransId !== undefined && { zpTransId: o.zpTransId }),
    createdAt: o.createdAt,
  };
};

/**
 * {@link OrderStore} on the single table of `schema.ts`. Every order write is one conditional
 * PutItem, so racing writers cannot both win; reads of an order are strongly consistent.
 */
export class DynamoOrderStore implements OrderStore {
  readonly #client: DynamoStoreOptions['client'];
  readonly #tableName: string;
  readonly #pageSize: number | undefined;

  constructor({ client, tableName, pageSize }: DynamoOrderStoreOptions) {
    this.#client = client;
    this.#tableName = tableName;
    this.#pageSize = pageSize;
  }

  async get(appTransId: string): Promise<Order | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [PK]: orderPk(appTransId), [SK]: ORDER_SK },
        ConsistentRead: true,
      }),
    );
    return Item && orderOfItem(Item);
  }

  async create(order: Order): Promise<boolean> {
    return this.#conditionalPut(toOrderItem(order), 'attribute_not_exists(#pk)', { '#pk': PK });
  }

  async replace(next: Order, expected: { status: OrderStatus; version: number }): Promise<boolean> {
    return this.#conditionalPut(
      toOrderItem(next),
      '#status = :status AND #version = :version',
      { '#status': 'status', '#version': 'version' },
      { ':status': expected.status, ':version': expected.version },
    );
  }

  async appendHistory(appTransId: string, entry: HistoryEntry): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { ...entry, [PK]: orderPk(appTransId), [SK]: historySk(entry.at) },
        // History is append-only: a write must never replace an entry, however unlikely the clash.
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
  }

  async history(appTransId: string): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    const pages = this.#query({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': orderPk(appTransId), ':prefix': HISTORY_PREFIX },
      ScanIndexForward: true,
      ConsistentRead: true,
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) entries.push(withoutAddressing<HistoryEntry>(item));
    }
    return entries;
  }

  async listDueChecks(now: string, limit: number, after?: string): Promise<DueChecksPage> {
    if (limit < 1) return { checks: [] };
    const cutoff = canonicalIso(now);
    const positions = decodeDuePositions(after);
    const shards = await Promise.all(
      ALL_DUE_SHARDS.map((shard, n) => {
        const position = positions[n];
        return position === 'done'
          ? { entries: [], more: false }
          : this.#dueInShard(shard, cutoff, limit, position);
      }),
    );
    // A k-way merge takes a prefix of each shard in the shard's own order (equal times are in
    // the index's order there, not by id), so each shard's position is simply its last entry taken.
    const taken: DueEntry[] = [];
    const used = shards.map(() => 0);
    while (taken.length < limit) {
      let oldest: number | undefined;
      for (const [n, { entries }] of shards.entries()) {
        const head = entries[used[n]!];
        const best = oldest === undefined ? undefined : shards[oldest]!.entries[used[oldest]!];
        if (head && (!best || compareDue(head, best) < 0)) oldest = n;
      }
      if (oldest === undefined) break;
      taken.push(shards[oldest]!.entries[used[oldest]!++]!);
    }
    const next = shards.map(({ entries, more }, n): DuePosition => {
      if (positions[n] === 'done' || (used[n] === entries.length && !more)) return 'done';
      const last = entries[used[n]! - 1];
      return last ? { dueAt: last.dueAt, appTransId: last.check.appTransId } : positions[n];
    });
    return {
      checks: taken.sort(compareDue).map(({ check }) => check),
      ...(next.some((p) => p !== 'done') && { next: encodeDuePositions(next) }),
    };
  }

  async listReviews({ limit, cursor }: { limit: number; cursor?: string }): Promise<ReviewPage> {
    const start = cursor === undefined ? undefined : decodeCursor(cursor);
    if (limit < 1) return { reviews: [] };
    const page = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        IndexName: REVIEWS_INDEX.name,
        KeyConditionExpression: '#queue = :queue',
        ExpressionAttributeNames: { '#queue': REVIEWS_INDEX.partitionKey },
        ExpressionAttributeValues: { ':queue': REVIEWS_INDEX.queue },
        ScanIndexForward: false,
        Limit: limit,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    return {
      reviews: (page.Items ?? []).map(toReviewEntry),
      ...(page.LastEvaluatedKey && { cursor: encodeCursor(page.LastEvaluatedKey) }),
    };
  }

  async listOrdersOfDay(day: string, limit: number, after?: string): Promise<DayOrdersPage> {
    if (limit < 1) return { appTransIds: [] };
    // Each shard in id order from `after`; the first `limit` of the merge are the page.
    const shards = await Promise.all(
      dayShards(day).map(async (shard) => {
        const ids: string[] = [];
        let more = false;
        for await (const page of this.#query(
          {
            IndexName: DAY_INDEX.name,
            KeyConditionExpression: `#shard = :shard${after === undefined ? '' : ' AND #id > :after'}`,
            ExpressionAttributeNames: {
              '#shard': DAY_INDEX.partitionKey,
              ...(after !== undefined && { '#id': DAY_INDEX.sortKey }),
            },
            ExpressionAttributeValues: { ':shard': shard, ...(after !== undefined && { ':after': after }) },
            ScanIndexForward: true,
          },
          limit,
        )) {
          for (const item of page.Items ?? []) ids.push(item[DAY_INDEX.sortKey] as string);
          more = page.LastEvaluatedKey !== undefined;
          if (ids.length >= limit) break;
        }
        return { ids, more };
      }),
    );
    const all = shards.flatMap((s) => s.ids).sort(compare);
    const page = all.slice(0, limit);
    const more = all.length > limit || shards.some((s) => s.more);
    return { appTransIds: page, ...(more && page.length > 0 && { next: page.at(-1)! }) };
  }

  /**
   * Up to `limit` due entries of one shard after `position`, oldest first, and whether the shard
   * may hold more: the merge never needs more than `limit` from any shard.
   */
  async #dueInShard(
    shard: string,
    cutoff: string,
    limit: number,
    position: Exclude<DuePosition, 'done'>,
  ): Promise<{ entries: DueEntry[]; more: boolean }> {
    const entries: DueEntry[] = [];
    const pages = this.#query(
      {
        IndexName: DUE_CHECKS_INDEX.name,
        KeyConditionExpression: '#shard = :shard AND #dueAt <= :cutoff',
        ExpressionAttributeNames: {
          '#shard': DUE_CHECKS_INDEX.partitionKey,
          '#dueAt': DUE_CHECKS_INDEX.sortKey,
        },
        ExpressionAttributeValues: { ':shard': shard, ':cutoff': cutoff },
        ScanIndexForward: true,
      },
      limit,
      // An index position is the index keys and the table keys of the entry it follows.
      position && {
        [DUE_CHECKS_INDEX.partitionKey]: shard,
        [DUE_CHECKS_INDEX.sortKey]: position.dueAt,
        [PK]: orderPk(position.appTransId),
        [SK]: ORDER_SK,
      },
    );
    let more = false;
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { appTransId, nextCheck } = item as Pick<Order, 'appTransId' | 'nextCheck'>;
        const dueAt = item[DUE_CHECKS_INDEX.sortKey] as string;
        entries.push({
          dueAt,
          check: nextCheck
            ? { appTransId, attempt: nextCheck.attempt, at: nextCheck.at }
            : { kind: 'refunds', appTransId, at: dueAt },
        });
      }
      more = page.LastEvaluatedKey !== undefined;
      if (entries.length >= limit) break;
    }
    return { entries: entries.slice(0, limit), more: more || entries.length > limit };
  }

  #query(input: Omit<QueryCommandInput, 'TableName'>, wanted?: number, startAfter?: Item) {
    const pageSize = this.#pageSize ?? wanted;
    return paginateQuery(
      {
        client: this.#client,
        ...(pageSize !== undefined && { pageSize }),
        ...(startAfter && { startingToken: startAfter }),
      },
      { ...input, TableName: this.#tableName },
    );
  }

  async #conditionalPut(
    item: Item,
    condition: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A due check as the index holds it: its canonical `dueAt` key beside what the sweeper needs. */
interface DueEntry {
  dueAt: string;
  check: DueCheck;
}

const compareDue = (a: DueEntry, b: DueEntry): number =>
  compare(a.dueAt, b.dueAt) || compare(a.check.appTransId, b.check.appTransId);

/** How far one shard has been read: after an entry, from its start (undefined), or to its end. */
type DuePosition = { dueAt: string; appTransId: string } | 'done' | undefined;

/** A page's `next`: one position per shard (`[dueAt, appTransId]`, null for the start, 0 for the end). */
const encodeDuePositions = (positions: DuePosition[]): string =>
  JSON.stringify(positions.map((p) => (p === 'done' ? 0 : p ? [p.dueAt, p.appTransId] : null)));

const decodeDuePositions = (cursor: string | undefined): DuePosition[] => {
  if (cursor === undefined) return ALL_DUE_SHARDS.map(() => undefined);
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.length === DUE_SHARDS &&
    parsed.every(
      (p) =>
        p === 0 ||
        p === null ||
        (Array.isArray(p) && p.length === 2 && p.every((part) => typeof part === 'string')),
    );
  if (!valid) throw new Error('not a due-checks cursor of this store');
  return (parsed as (0 | null | [string, string])[]).map((p) =>
    p === 0 ? 'done' : p === null ? undefined : { dueAt: p[0], appTransId: p[1] },
  );
};
