import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableSettings } from '../../../shared/adapters/aws/settings';
import { createDocumentClient, type DynamoStoreOptions } from '../../../shared/adapters/dynamodb/client';
import { DynamoOrderStore } from '../../../shared/adapters/dynamodb/order-store';
import { tracer } from './runtime';

/** The table and one traced DynamoDB document client, per container. */
export const table: DynamoStoreOptions = {
  client: createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
  tableName: tableSettings(process.env).tableName,
};

/** Orders and their history. */
export const store = new DynamoOrderStore(table);
