import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../core/ports/store';

/** docs/http-api.md: an Idempotency-Key is kept 24 h. */
const RETENTION_SECONDS = 24 * 60 * 60;

interface IdempotencyRecord {
  requestHash: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  leaseUntil?: string;
  response?: StoredResponse;
  /** Epoch seconds from which the record counts as gone, like the DynamoDB record's TTL. */
  expiresAt: number;
}

/** The one ISO-8601 form the DynamoDB adapter compares leases in; a time that is not one is refused. */
const canonicalIso = (value: string): string => new Date(value).toISOString();

/**
 * {@link IdempotencyStore} in memory, with exactly the semantics of `DynamoIdempotencyStore`: a key
 * is claimed when it is new, expired (24 h after its claim, by the `now` given) or held by the
 * same request past its lease; otherwise the claim is explained (mismatch, replay, in progress).
 * Completing and releasing only act for the request holding the key.
 * `test/integration/store/contract.test.ts` runs one specification against both.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord>();

  async claim(key: string, requestHash: string, now: string, leaseUntil: string): Promise<IdempotencyClaim> {
    const nowIso = canonicalIso(now);
    const nowSeconds = Math.floor(Date.parse(nowIso) / 1000);
    const lease = canonicalIso(leaseUntil);
    const existing = this.#records.get(key);
    const free =
      !existing ||
      existing.expiresAt <= nowSeconds ||
      (existing.state === 'IN_PROGRESS' &&
        existing.requestHash === requestHash &&
        existing.leaseUntil !== undefined &&
        existing.leaseUntil < nowIso);
    if (free) {
      this.#records.set(key, {
        requestHash,
        state: 'IN_PROGRESS',
        leaseUntil: lease,
        expiresAt: nowSeconds + RETENTION_SECONDS,
      });
      return { kind: 'claimed' };
    }
    if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
    if (existing.state === 'COMPLETED' && existing.response) {
      return { kind: 'replay', response: { ...existing.response } };
    }
    return { kind: 'in-progress' };
  }

  /** If the key is no longer held for `requestHash` (it expired and was reclaimed), nothing changes. */
  async complete(key: string, requestHash: string, response: StoredResponse): Promise<void> {
    const record = this.#records.get(key);
    if (record?.requestHash !== requestHash) return;
    record.state = 'COMPLETED';
    record.response = { statusCode: response.statusCode, body: response.body };
    delete record.leaseUntil;
  }

  /** Only an unfinished claim for `requestHash` is released; a completed answer stays replayable. */
  async release(key: string, requestHash: string): Promise<void> {
    const record = this.#records.get(key);
    if (record?.requestHash === requestHash && record.state === 'IN_PROGRESS') this.#records.delete(key);
  }
}
