import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The floor of a function that uses EventBridge and SQS (order-events): the clients, built once. */
export const eventBridge = new EventBridgeClient({});
export const sqs = new SQSClient({});

export const handler = async (): Promise<void> => undefined;
