import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every DynamoDB adapter takes: a document client (see {@link createDocumentClient}) and the table. */
export interface DynamoStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * The document client the adapters expect. Optional fields of our models are `undefined` when
 * absent, which the marshaller rejects unless told to drop them.
 */
export const createDocumentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** True for the failed condition of a conditional write, and for nothing else. */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The one ISO-8601 form (`YYYY-MM-DDTHH:mm:ss.sssZ`) we store in keys and compare in conditions:
 * DynamoDB compares strings byte by byte, so `…T10:00Z` and `…T10:00:00.000Z` must not both occur.
 */
export const canonicalIso = (value: string): string => new Date(value).toISOString();
