import { webhookSettings } from '../../shared/adapters/aws/settings';
import { WebhookSender } from '../../shared/adapters/webhook/sender';
import { DEFAULT_WEBHOOK_RETRY } from '../../shared/core/webhooks';
import { makeHandler } from '../webhook-delivery';
import { clock, logger } from './lib/common';
import { metered, metrics } from './lib/metrics';
import { webhookSecret } from './lib/secrets';
import { webhookQueue } from './lib/webhook-queue';

const { webhookUrl, queueUrl, deadLetterQueueUrl } = webhookSettings(process.env);

/** The merchant webhook's delivery queue (SQS event source mapping, partial batch responses). */
export const handler = metered(
  makeHandler({
    sender: new WebhookSender({ url: webhookUrl, secret: webhookSecret }),
    queue: webhookQueue({ queueUrl, deadLetterQueueUrl }),
    policy: DEFAULT_WEBHOOK_RETRY,
    clock,
    log: logger,
    metrics,
  }),
);
