import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The floor of a function that uses DynamoDB, Secrets Manager and EventBridge Scheduler. */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const secretsManager = new SecretsManagerClient({});
export const scheduler = new SchedulerClient({});

export const handler = async (): Promise<void> => undefined;
