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

/** An operation of the {@link OrderStore} port, as {@link InMemoryOrderStore} names it in its call log and faults. */
export type OrderStoreOperation = keyof OrderStore;

/** One call the code under test made to an {@link InMemoryOrderStore}. */
export interface OrderStoreCall {
  operation: OrderStoreOperation;
  /** The order it was about; absent for `listDueChecks`, `listReviews` and `listOrdersOfDay`. */
  appTransId?: string;
}

/** Something to do just before a call takes effect; it receives the call's arguments. */
export type BeforeCall<Op extends OrderStoreOperation> = (
  ...args: Parameters<OrderStore[Op]>
) => void | Promise<void>;

interface StoredOrder {
  order: Order;
  /** The due-checks index key: only set while the order or a refund has a next check, as in the sparse index. */
  dueAt?: string;
  /** The reviews index key: only set while the order waits for a person. */
  reviewAt?: string;
}

interface StoredEntry {
  /** The history sort key's time part: the instant, whatever spelling `entry.at` has. */
  at: string;
  sequence: number;
  entry: HistoryEntry;
}

interface Pending<T> {
  value: T;
  remaining: number;
}

/**
 * The one ISO-8601 form DynamoDB keys hold (`canonicalIso` in the DynamoDB adapter): equal instants
 * in different spellings must sort and compare as equal, and a time that is not one is refused.
 */
const canonicalIso = (value: string): string => new Date(value).toISOString();

/**
 * What DynamoDB gives back for what it was given: a deep copy without the `undefined` values the
 * document client drops (`removeUndefinedValues`). Copying on every write and read also keeps
 * callers from changing stored state through an object they hold.
 */
const stored = <T>(value: T): T => {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(stored) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) copy[key] = stored(v);
    return copy as T;
  }
  return value;
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A place in the due-checks index, which orders entries by time, then id. */
interface DuePosition {
  dueAt: string;
  appTransId: string;
}

const comparePosition = (a: DuePosition, b: DuePosition): number =>
  compare(a.dueAt, b.dueAt) || compare(a.appTransId, b.appTransId);

/** A page's `next`: the `[dueAt, appTransId]` of its last entry. */
const decodePosition = (cursor: string): DuePosition => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const [dueAt, appTransId, ...rest] = Array.isArray(parsed) ? parsed : [];
  if (typeof dueAt !== 'string' || typeof appTransId !== 'string' || rest.length > 0)
    throw new Error('not a due-checks cursor of this store');
  return { dueAt, appTransId };
};

const encodeCursor = (key: readonly [string, string]): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const decodeCursor = (cursor: string): [string, string] => {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string'))
      return key as [string, string];
  } catch {
    // Reported below, like any other cursor this store never gave out.
  }
  throw new InvalidCursorError('the cursor is not one the review list gave out');
};

const toReviewEntry = (order: Order, since: string): ReviewEntry => ({
  appTransId: order.appTransId,
  status: order.status,
  reason: order.review!.reason,
  since,
  amount: order.amount,
  ...(order.paidAmount !== undefined && { paidAmount: order.paidAmount }),
  ...(order.zpTransId !== undefined && { zpTransId: order.zpTransId }),
  createdAt: order.createdAt,
});

/**
 * {@link OrderStore} in memory, with exactly the semantics of `DynamoOrderStore`: a create
 * conditional on the id being new, a replace conditional on the stored status and version, an
 * append-only history read oldest first (append order within one instant), and due checks over
 * the orders that carry a `nextCheck`, oldest first. `test/integration/store/contract.test.ts`
 * runs one specification against both.
 *
 * For tests of the use cases it also records every call ({@link calls}), fails chosen calls
 * ({@link failNext}) and lets another writer in just before a call takes effect
 * ({@link beforeNext}): the faults and races that fall between two writes. {@link put} and
 * {@link peek} arrange and inspect state without being recorded.
 */
export class InMemoryOrderStore implements OrderStore {
  readonly #orders = new Map<string, StoredOrder>();
  readonly #history = new Map<string, StoredEntry[]>();
  readonly #calls: OrderStoreCall[] = [];
  readonly #faults = new Map<OrderStoreOperation, Pending<unknown>[]>();
  readonly #hooks = new Map<OrderStoreOperation, Pending<BeforeCall<never>>[]>();
  #sequence = 0;

  /** Every call made through the port, in order, failed ones included. */
  get calls(): readonly OrderStoreCall[] {
    return this.#calls;
  }

  /**
   * Makes the next `times` calls of `operation` reject with `error`, changing nothing, as a
   * DynamoDB error (throttling, a network failure) would. Queued after faults already pending.
   */
  failNext(operation: OrderStoreOperation, error: unknown, times = 1): void {
    this.#queue(this.#faults, operation, { value: error, remaining: times });
  }

  /**
   * Runs `action` with the call's arguments just before each of the next `times` calls of
   * `operation` takes effect: another writer getting in between the caller's read and its write.
   * `action` should change state through {@link put}, which runs no hook.
   */
  beforeNext<Op extends OrderStoreOperation>(operation: Op, action: BeforeCall<Op>, times = 1): void {
    this.#queue(this.#hooks, operation, { value: action as BeforeCall<never>, remaining: times });
  }

  /** Stores `order` as it is, unconditionally and unrecorded: a test's arrangement, or another writer. */
  put(order: Order): void {
    this.#write(order);
  }

  /** The stored order (a copy), unrecorded. */
  peek(appTransId: string): Order | undefined {
    const found = this.#orders.get(appTransId);
    return found && stored(found.order);
  }

  /** The order's history oldest first (copies), unrecorded. */
  peekHistory(appTransId: string): HistoryEntry[] {
    return [...(this.#history.get(appTransId) ?? [])]
      .sort((a, b) => compare(a.at, b.at) || a.sequence - b.sequence)
      .map(({ entry }) => stored(entry));
  }

  async get(appTransId: string): Promise<Order | undefined> {
    await this.#enter('get', appTransId, [appTransId]);
    return this.peek(appTransId);
  }

  async create(order: Order): Promise<boolean> {
    await this.#enter('create', order.appTransId, [order]);
    if (this.#orders.has(order.appTransId)) return false;
    this.#write(order);
    return true;
  }

  async replace(next: Order, expected: { status: OrderStatus; version: number }): Promise<boolean> {
    await this.#enter('replace', next.appTransId, [next, expected]);
    const current = this.#orders.get(next.appTransId)?.order;
    if (current?.status !== expected.status || current.version !== expected.version) return false;
    this.#write(next);
    return true;
  }

  async appendHistory(appTransId: string, entry: HistoryEntry): Promise<void> {
    await this.#enter('appendHistory', appTransId, [appTransId, entry]);
    const entries = this.#history.get(appTransId) ?? [];
    entries.push({ at: canonicalIso(entry.at), sequence: this.#sequence++, entry: stored(entry) });
    this.#history.set(appTransId, entries);
  }

  async history(appTransId: string): Promise<HistoryEntry[]> {
    await this.#enter('history', appTransId, [appTransId]);
    return this.peekHistory(appTransId);
  }

  async listDueChecks(now: string, limit: number, after?: string): Promise<DueChecksPage> {
    await this.#enter('listDueChecks', undefined, [now, limit, after]);
    if (limit < 1) return { checks: [] };
    const cutoff = canonicalIso(now);
    const from = after === undefined ? undefined : decodePosition(after);
    const due = [...this.#orders.values()]
      .filter((o): o is Required<StoredOrder> => o.dueAt !== undefined && o.dueAt <= cutoff)
      .map((o) => ({ dueAt: o.dueAt, appTransId: o.order.appTransId, nextCheck: o.order.nextCheck }))
      .filter((o) => !from || comparePosition(o, from) > 0)
      .sort(comparePosition);
    const page = due.slice(0, limit);
    const last = page.at(-1);
    return {
      checks: page.map(
        ({ appTransId, nextCheck, dueAt }): DueCheck =>
          nextCheck
            ? { appTransId, attempt: nextCheck.attempt, at: nextCheck.at }
            : { kind: 'refunds', appTransId, at: dueAt },
      ),
      ...(last && due.length > limit && { next: JSON.stringify([last.dueAt, last.appTransId]) }),
    };
  }

  async listReviews({ limit, cursor }: { limit: number; cursor?: string }): Promise<ReviewPage> {
    await this.#enter('listReviews', undefined, [{ limit, ...(cursor !== undefined && { cursor }) }]);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (limit < 1) return { reviews: [] };
    // Newest first, ties by id, as the index orders them.
    const all = [...this.#orders.values()]
      .filter((o): o is StoredOrder & { reviewAt: string } => o.reviewAt !== undefined)
      .map((o) => ({ key: [o.reviewAt, o.order.appTransId] as const, order: o.order }))
      .sort((a, b) => compare(b.key[0], a.key[0]) || compare(b.key[1], a.key[1]));
    const rest = after
      ? all.filter(({ key }) => compare(key[0], after[0]) < 0 || (key[0] === after[0] && key[1] < after[1]))
      : all;
    const page = rest.slice(0, limit);
    const last = page.at(-1);
    return {
      reviews: page.map(({ key, order }) => toReviewEntry(order, key[0])),
      ...(rest.length > limit && last && { cursor: encodeCursor(last.key) }),
    };
  }

  async listOrdersOfDay(day: string, limit: number, after?: string): Promise<DayOrdersPage> {
    await this.#enter('listOrdersOfDay', undefined, [day, limit, after]);
    if (limit < 1) return { appTransIds: [] };
    const all = [...this.#orders.keys()]
      .filter((id) => dayOfAppTransId(id) === day && (after === undefined || compare(id, after) > 0))
      .sort(compare);
    const page = all.slice(0, limit);
    return { appTransIds: page, ...(all.length > limit && { next: page.at(-1)! }) };
  }

  /** Replaces the whole stored order, as a PutItem does: fields `order` lacks are gone. */
  #write(order: Order): void {
    const copy = stored(order);
    const reviewAt = reviewSince(copy);
    const dueAt = copy.nextCheck?.at ?? nextRefundCheck(copy);
    this.#orders.set(copy.appTransId, {
      order: copy,
      ...(dueAt && { dueAt: canonicalIso(dueAt) }),
      ...(reviewAt && { reviewAt: canonicalIso(reviewAt) }),
    });
  }

  /** Records the call, lets a queued writer in, then throws a queued fault. */
  async #enter<Op extends OrderStoreOperation>(
    operation: Op,
    appTransId: string | undefined,
    args: Parameters<OrderStore[Op]>,
  ): Promise<void> {
    this.#calls.push(appTransId === undefined ? { operation } : { operation, appTransId });
    const hook = this.#take(this.#hooks, operation);
    if (hook) await (hook.value as BeforeCall<Op>)(...args);
    const fault = this.#take(this.#faults, operation);
    if (fault) throw fault.value;
  }

  #queue<T>(
    queues: Map<OrderStoreOperation, Pending<T>[]>,
    operation: OrderStoreOperation,
    item: Pending<T>,
  ) {
    if (item.remaining < 1) return;
    queues.set(operation, [...(queues.get(operation) ?? []), item]);
  }

  /** The first pending item for `operation`, used up once its count runs out. */
  #take<T>(queues: Map<OrderStoreOperation, Pending<T>[]>, operation: OrderStoreOperation) {
    const first = queues.get(operation)?.[0];
    if (first && --first.remaining < 1) queues.get(operation)?.shift();
    return first;
  }
}
