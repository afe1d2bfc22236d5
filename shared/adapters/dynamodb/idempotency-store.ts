import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../core/ports/store';
import { canonicalIso, type DynamoStoreOptions, isConditionalCheckFailed } from './client';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './schema';

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const IDEMPOTENCY_SK = 'IDEMPOTENCY';
/** docs/http-api.md: an Idempotency-Key is kept 24 h. */
const RETENTION_SECONDS = 24 * 60 * 60;
/**
 * A record can vanish between our failed claim and the read that explains it (released, or
 * deleted by TTL); then the claim is simply tried again, a bounded number of times.
 */
const CLAIM_ATTEMPTS = 3;

interface IdempotencyRecord {
  requestHash: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  leaseUntil?: string;
  response?: StoredResponse;
}

/**
 * The item key of an Idempotency-Key. Keys are client-supplied (up to 255 characters, any
 * content), so only their SHA-256 is stored: fixed length, and never the raw value as a key.
 */
export const idempotencyKey = (key: string): Record<string, string> => ({
  [PK]: `IDEMPOTENCY#${createHash('sha256').update(key, 'utf8').digest('hex')}`,
  [SK]: IDEMPOTENCY_SK,
});

/**
 * {@link IdempotencyStore} on the single table. Records expire through DynamoDB TTL 24 h after
 * their claim; since TTL deletes lazily (up to days later), an expired record still present is
 * treated as absent.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  readonly #client: DynamoStoreOptions['client'];
  readonly #tableName: string;

  constructor({ client, tableName }: DynamoStoreOptions) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async claim(key: string, requestHash: string, now: string, leaseUntil: string): Promise<IdempotencyClaim> {
    const nowIso = canonicalIso(now);
    const nowSeconds = Math.floor(Date.parse(nowIso) / 1000);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: {
              ...idempotencyKey(key),
              requestHash,
              state: 'IN_PROGRESS',
              leaseUntil: canonicalIso(leaseUntil),
              [TTL_ATTRIBUTE]: nowSeconds + RETENTION_SECONDS,
            },
            ConditionExpression:
              'attribute_not_exists(#pk) OR #ttl <= :nowSeconds OR ' +
              '(#state = :inProgress AND #requestHash = :requestHash AND #leaseUntil < :now)',
            ExpressionAttributeNames: {
              '#pk': PK,
              '#ttl': TTL_ATTRIBUTE,
              '#state': 'state',
              '#requestHash': 'requestHash',
              '#leaseUntil': 'leaseUntil',
            },
            ExpressionAttributeValues: {
              ':nowSeconds': nowSeconds,
              ':inProgress': 'IN_PROGRESS',
              ':requestHash': requestHash,
              ':now': nowIso,
            },
          }),
        );
        return { kind: 'claimed' };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const existing = await this.#get(key);
      if (existing) return explain(existing, requestHash);
    }
    return { kind: 'in-progress' };
  }

  /** If the key is no longer held for `requestHash` (it expired and was reclaimed), nothing is written. */
  async complete(key: string, requestHash: string, response: StoredResponse): Promise<void> {
    await unlessConditionFailed(
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: idempotencyKey(key),
          UpdateExpression: 'SET #state = :completed, #response = :response REMOVE #leaseUntil',
          ConditionExpression: '#requestHash = :requestHash',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#response': 'response',
            '#leaseUntil': 'leaseUntil',
            '#requestHash': 'requestHash',
          },
          ExpressionAttributeValues: {
            ':completed': 'COMPLETED',
            ':response': { statusCode: response.statusCode, body: response.body },
            ':requestHash': requestHash,
          },
        }),
      ),
    );
  }

  /** Only an unfinished claim for `requestHash` is released; a completed answer stays replayable. */
  async release(key: string, requestHash: string): Promise<void> {
    await unlessConditionFailed(
      this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: idempotencyKey(key),
          ConditionExpression: '#requestHash = :requestHash AND #state = :inProgress',
          ExpressionAttributeNames: { '#requestHash': 'requestHash', '#state': 'state' },
          ExpressionAttributeValues: { ':requestHash': requestHash, ':inProgress': 'IN_PROGRESS' },
        }),
      ),
    );
  }

  async #get(key: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: idempotencyKey(key), ConsistentRead: true }),
    );
    return Item as IdempotencyRecord | undefined;
  }
}

const explain = (record: IdempotencyRecord, requestHash: string): IdempotencyClaim => {
  if (record.requestHash !== requestHash) return { kind: 'mismatch' };
  if (record.state === 'COMPLETED' && record.response) return { kind: 'replay', response: record.response };
  return { kind: 'in-progress' };
};

/** A conditional write whose condition failing means "no longer ours": nothing to do then. */
const unlessConditionFailed = async (write: Promise<unknown>): Promise<void> => {
  try {
    await write;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
};
