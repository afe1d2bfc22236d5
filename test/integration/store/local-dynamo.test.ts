import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startLocalDynamo } from '../../../local/dynamo';
import { DynamoOrderStore } from '../../../shared/store/dynamo-order-store';
import { anOrder } from '../../support/orders';

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
});
