import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The floor of a function that uses DynamoDB and Secrets Manager: the clients, built once. */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const secretsManager = new SecretsManagerClient({});

export const handler = async (): Promise<void> => undefined;
