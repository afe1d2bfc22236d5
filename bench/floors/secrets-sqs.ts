import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The floor of a function that uses Secrets Manager and SQS (webhook-delivery): the clients, built once. */
export const secretsManager = new SecretsManagerClient({});
export const sqs = new SQSClient({});

export const handler = async (): Promise<void> => undefined;
