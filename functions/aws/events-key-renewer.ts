import { AppSyncClient } from '@aws-sdk/client-appsync';
import { eventsKeySettings } from '../../shared/adapters/aws/settings';
import { AppSyncApiKey } from '../../shared/adapters/events/appsync-key';
import { makeHandler } from '../events-key-renewer';
import { clock, logger } from './lib/common';
import { metered, metrics } from './lib/metrics';

/** Daily (EventBridge Scheduler): moves the expiry of the key the pages subscribe with. */
export const handler = metered(
  makeHandler({
    apiKey: new AppSyncApiKey({
      client: new AppSyncClient({}),
      ...eventsKeySettings(process.env),
    }),
    clock,
    log: logger,
    metrics,
  }),
);
