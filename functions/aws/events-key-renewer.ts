import { AppSyncClient } from '@aws-sdk/client-appsync';
import { eventsKeySettings } from '../../shared/adapters/aws/settings';
import { AppSyncApiKey } from '../../shared/adapters/events/appsync-key';
import { makeHandler } from '../events-key-renewer';
import { clock, lambda, logger, metrics } from './lib/runtime';

/** Daily (EventBridge Scheduler): moves the expiry of the key the pages subscribe with. */
export const handler = lambda(
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
