import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The floor of a function that uses DynamoDB, Secrets Manager and S3 (reconcile): the clients, built once. */
export const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const secretsManager = new SecretsManagerClient({});
export const s3 = new S3Client({});

export const handler = async (): Promise<void> => undefined;
