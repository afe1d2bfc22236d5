import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startLocalDynamo } from '../../../local/dynamo';
import { DynamoOrderStore } from '../../../shared/adapters/dynamodb/order-store';
import { anOrder } from '../../support/orders';

// The closing tests start and stop dynalite several times under load: ~10 s inside Jest's VM context
// on an idle 2-core machine, over 20 s on a loaded one. Not a performance limit.
describe('startLocalDynamo', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-dynamo-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the table of schema.ts on loopback, in memory and empty on every start', async () => {
    const first = await startLocalDynamo();
    await new DynamoOrderStore(first).create(anOrder());
    await first.close();
    const second = await startLocalDynamo();

    try {
      expect(second.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { Table } = await second.client.send(new DescribeTableCommand({ TableName: second.tableName }));
      expect(Table).toMatchObject({
        TableStatus: 'ACTIVE',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          expect.objectContaining({
            IndexName: 'due-checks',
            IndexStatus: 'ACTIVE',
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['appTransId', 'nextCheck'] },
          }),
          expect.objectContaining({
            IndexName: 'reviews',
            IndexStatus: 'ACTIVE',
            KeySchema: [
              { AttributeName: 'reviewQueue', KeyType: 'HASH' },
              { AttributeName: 'reviewAt', KeyType: 'RANGE' },
            ],
          }),
          expect.objectContaining({
            IndexName: 'orders-by-day',
            IndexStatus: 'ACTIVE',
            KeySchema: [
              { AttributeName: 'dayShard', KeyType: 'HASH' },
              { AttributeName: 'dayOrder', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          }),
        ],
      });
      expect(await new DynamoOrderStore(second).get(anOrder().appTransId)).toBeUndefined();
    } finally {
      await second.close();
    }
  });

  it('keeps the data across restarts when given a data directory', async () => {
    const order = anOrder();
    const first = await startLocalDynamo({ dataDir: join(dataDir, 'nested', 'db') });
    await new DynamoOrderStore(first).create(order);
    await first.close();

    const second = await startLocalDynamo({ dataDir: join(dataDir, 'nested', 'db') });
    try {
      expect(await new DynamoOrderStore(second).get(order.appTransId)).toEqual(order);
    } finally {
      await second.close();
    }
  });

  it('closes while writes are in flight: those inside finish, later ones are refused', async () => {
    // Several rounds: before close() waited for them, one in a few threw out of dynalite.
    for (let round = 0; round < 5; round += 1) {
      const local = await startLocalDynamo();
      const writers = keepWriting(new DynamoOrderStore(local));
      await writers.running(20);

      await local.close();
      const { failures } = await writers.stop();

      expect(failures).toHaveLength(WRITERS);
      for (const failure of failures) expect(failure).toMatch(/ECONNREFUSED/);
    }
  }, 60_000);

  it('keeps every write it acknowledged before closing, when given a data directory', async () => {
    const dir = join(dataDir, 'closing');
    const first = await startLocalDynamo({ dataDir: dir });
    const writers = keepWriting(new DynamoOrderStore(first));
    await writers.running(40);

    await first.close();
    const { acknowledged } = await writers.stop();

    const second = await startLocalDynamo({ dataDir: dir });
    try {
      const store = new DynamoOrderStore(second);
      const kept = await Promise.all(acknowledged.map((id) => store.get(id)));
      expect(kept.filter((order) => order === undefined)).toHaveLength(0);
    } finally {
      await second.close();
    }
  }, 60_000);
});

const WRITERS = 8;

/** Writers creating orders back to back, as handlers still running at shutdown would. */
const keepWriting = (store: DynamoOrderStore) => {
  const acknowledged: string[] = [];
  const failures: string[] = [];
  let stopped = false;
  const writers = Array.from({ length: WRITERS }, async () => {
    while (!stopped) {
      const order = anOrder();
      try {
        await store.create(order);
        acknowledged.push(order.appTransId);
      } catch (error) {
        failures.push((error as Error).message);
        return;
      }
    }
  });
  return {
    /** Resolves once `count` writes have been acknowledged (or one has failed). */
    running: async (count: number) => {
      while (acknowledged.length < count && failures.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    stop: async () => {
      stopped = true;
      await Promise.all(writers);
      return { acknowledged, failures };
    },
  };
};
