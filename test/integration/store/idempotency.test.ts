import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoIdempotencyStore, idempotencyKey } from '../../../shared/adapters/dynamodb/idempotency-store';
import { useLocalDynamo } from '../../support/dynamo';

const dynamo = useLocalDynamo();
const store = () => new DynamoIdempotencyStore(dynamo());

const T0 = '2025-06-01T03:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const lease = (seconds: number) => at(seconds + 30);
const created = { statusCode: 201, body: '{"appTransId":"250601_x","status":"PENDING"}' };

let n = 0;
const freshKey = () => `key-${++n}-${Date.now()}`;

describe('DynamoIdempotencyStore', () => {
  it('claims a new key, then reports it in progress to the same request', async () => {
    const key = freshKey();

    expect(await store().claim(key, 'h1', T0, lease(0))).toEqual({ kind: 'claimed' });
    expect(await store().claim(key, 'h1', at(5), lease(5))).toEqual({ kind: 'in-progress' });
  });

  it('reports a mismatch to a different request, in progress or completed', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));

    expect(await store().claim(key, 'h2', at(1), lease(1))).toEqual({ kind: 'mismatch' });
    await store().complete(key, 'h1', created);
    expect(await store().claim(key, 'h2', at(2), lease(2))).toEqual({ kind: 'mismatch' });
  });

  it('replays the completed response to the same request', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));

    await store().complete(key, 'h1', created);

    expect(await store().claim(key, 'h1', at(60), lease(60))).toEqual({ kind: 'replay', response: created });
    expect(await store().claim(key, 'h1', at(86_399), lease(86_399))).toEqual({
      kind: 'replay',
      response: created,
    });
  });

  it('lets the same request take over a claim whose lease has passed, but no other request', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));

    expect(await store().claim(key, 'h1', at(30), lease(30))).toEqual({ kind: 'in-progress' });
    expect(await store().claim(key, 'h2', at(31), lease(31))).toEqual({ kind: 'mismatch' });
    expect(await store().claim(key, 'h1', at(31), lease(31))).toEqual({ kind: 'claimed' });
    expect(await store().claim(key, 'h1', at(32), lease(32))).toEqual({ kind: 'in-progress' });
  });

  it('never takes over a completed key, even long after its lease', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));
    await store().complete(key, 'h1', created);

    expect(await store().claim(key, 'h1', at(3600), lease(3600))).toEqual({
      kind: 'replay',
      response: created,
    });
  });

  it('frees a released key for any request', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));

    await store().release(key, 'h1');

    expect(await store().claim(key, 'h2', at(1), lease(1))).toEqual({ kind: 'claimed' });
  });

  it('ignores a release by another request or after completion', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));

    await store().release(key, 'h2');
    expect(await store().claim(key, 'h1', at(1), lease(1))).toEqual({ kind: 'in-progress' });

    await store().complete(key, 'h1', created);
    await store().release(key, 'h1');
    expect(await store().claim(key, 'h1', at(2), lease(2))).toEqual({ kind: 'replay', response: created });
  });

  it('treats a record past its TTL as gone, although DynamoDB has not deleted it yet', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));
    await store().complete(key, 'h1', created);

    expect(await store().claim(key, 'h2', at(86_399), lease(86_399))).toEqual({ kind: 'mismatch' });
    expect(await store().claim(key, 'h2', at(86_400), lease(86_400))).toEqual({ kind: 'claimed' });
    expect(await store().claim(key, 'h1', at(86_401), lease(86_401))).toEqual({ kind: 'mismatch' });
  });

  it('does not let a completion overwrite a key now held by another request', async () => {
    const key = freshKey();
    await store().claim(key, 'h1', T0, lease(0));
    await store().release(key, 'h1');
    await store().claim(key, 'h2', at(1), lease(1));

    await store().complete(key, 'h1', created);

    expect(await store().claim(key, 'h2', at(2), lease(2))).toEqual({ kind: 'in-progress' });
  });

  it('grants one of 10 racing claims of the same request', async () => {
    const key = freshKey();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => store().claim(key, 'h1', T0, lease(0))),
    );

    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in-progress')).toHaveLength(9);
  });

  it('stores only the SHA-256 of the key, with a TTL 24 h after the claim', async () => {
    const key = `${'Ωmega-'.repeat(42)}end`.slice(0, 255);
    await store().claim(key, 'h1', T0, lease(0));

    const { Items = [] } = await dynamo().client.send(new ScanCommand({ TableName: dynamo().tableName }));
    const hash = createHash('sha256').update(key).digest('hex');
    const item = Items.find((i) => i.pk === `IDEMPOTENCY#${hash}`);

    expect(idempotencyKey(key)).toEqual({ pk: `IDEMPOTENCY#${hash}`, sk: 'IDEMPOTENCY' });
    expect(item).toEqual({
      pk: `IDEMPOTENCY#${hash}`,
      sk: 'IDEMPOTENCY',
      requestHash: 'h1',
      state: 'IN_PROGRESS',
      leaseUntil: lease(0),
      ttl: Date.parse(T0) / 1000 + 86_400,
    });
    expect(JSON.stringify(Items)).not.toContain(key);
  });
});
