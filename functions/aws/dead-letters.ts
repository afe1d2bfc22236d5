import { SQSClient } from '@aws-sdk/client-sqs';
import { webhookQueueSettings } from '../../shared/adapters/aws/settings';
import { SqsDeadLetters } from '../../shared/adapters/webhook/sqs-dead-letters';
import { makeHandler } from '../dead-letters';
import { lambda, logger } from './lib/common';
import { merchantApiKey } from './lib/secrets';

const { queueUrl, deadLetterQueueUrl } = webhookQueueSettings(process.env);

/** `GET /webhooks/dead-letters`, `POST /webhooks/dead-letters/replay` (API Gateway, merchant). */
export const handler = lambda(
  makeHandler({
    deadLetters: new SqsDeadLetters({ client: new SQSClient({}), queueUrl, deadLetterQueueUrl }),
    log: logger,
    merchantApiKey,
  }),
);
