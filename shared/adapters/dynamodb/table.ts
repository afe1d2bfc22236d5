import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DAY_INDEX, DUE_CHECKS_INDEX, REVIEWS_INDEX, TABLE_KEYS } from './schema';

/**
 * The table of `schema.ts` as a CreateTable request, for the local runtime and the tests (the CDK
 * stack declares the same from the same constants). TTL on `ttl` is enabled separately: it is
 * not part of CreateTable, and dynalite ignores it.
 */
export const tableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
    { AttributeName: DUE_CHECKS_INDEX.partitionKey, AttributeType: 'S' },
    { AttributeName: DUE_CHECKS_INDEX.sortKey, AttributeType: 'S' },
    { AttributeName: REVIEWS_INDEX.partitionKey, AttributeType: 'S' },
    { AttributeName: REVIEWS_INDEX.sortKey, AttributeType: 'S' },
    { AttributeName: DAY_INDEX.partitionKey, AttributeType: 'S' },
    { AttributeName: DAY_INDEX.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: DUE_CHECKS_INDEX.name,
      KeySchema: [
        { AttributeName: DUE_CHECKS_INDEX.partitionKey, KeyType: 'HASH' },
        { AttributeName: DUE_CHECKS_INDEX.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...DUE_CHECKS_INDEX.nonKeyAttributes] },
    },
    {
      IndexName: REVIEWS_INDEX.name,
      KeySchema: [
        { AttributeName: REVIEWS_INDEX.partitionKey, KeyType: 'HASH' },
        { AttributeName: REVIEWS_INDEX.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...REVIEWS_INDEX.nonKeyAttributes] },
    },
    {
      IndexName: DAY_INDEX.name,
      KeySchema: [
        { AttributeName: DAY_INDEX.partitionKey, KeyType: 'HASH' },
        { AttributeName: DAY_INDEX.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
});
