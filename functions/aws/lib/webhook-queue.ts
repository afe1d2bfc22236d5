import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsWebhookQueue, type SqsWebhookQueueOptions } from '../../../shared/adapters/webhook/sqs';

const client = new SQSClient({});

/** The merchant webhook's delivery queue (with its dead-letter queue, for webhook-delivery). */
export const webhookQueue = (queues: Omit<SqsWebhookQueueOptions, 'client'>): SqsWebhookQueue =>
  new SqsWebhookQueue({ client, ...queues });
