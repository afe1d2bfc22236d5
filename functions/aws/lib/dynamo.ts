import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableSettings } from '../../../shared/adapters/aws/settings';
import { createDocumentClient, type DynamoStoreOptions } from '../../../shared/adapters/dynamodb/client';
import { DynamoOrderStore } from '../../../shared/adapters/dynamodb/order-store';

/** The table and one DynamoDB document client, per container. */
export const table: DynamoStoreOptions = {
  client: createDocumentClient(new DynamoDBClient({})),
  tableName: tableSettings(process.env).tableName,
};

/** Orders and their history. */
export const store = new DynamoOrderStore(table);
