import { AppSyncClient, UpdateApiKeyCommand } from '@aws-sdk/client-appsync';
import { mockClient } from 'aws-sdk-client-mock';
import { KEY_VALIDITY_DAYS, makeHandler } from '../../../functions/events-key-renewer';
import { lambdaContext } from '../../../local/server';
import { AppSyncApiKey } from '../../../shared/adapters/events/appsync-key';
import type { MetricName } from '../../../shared/core/observability';
import { silentLog } from '../../../shared/core/observability';
import { T0 } from '../../support/orders';

const appsync = mockClient(AppSyncClient);
beforeEach(() => appsync.reset());

const renewer = (counted: MetricName[]) =>
  makeHandler({
    apiKey: new AppSyncApiKey({
      client: new AppSyncClient({ region: 'ap-southeast-1' }),
      apiId: 'api123',
      keyId: 'da2-abc',
    }),
    clock: () => T0,
    log: silentLog,
    metrics: { count: (name) => void counted.push(name) },
  });

describe('events-key-renewer (docs/events.md §5)', () => {
  it('moves the key’s expiry 364 days ahead (AppSync allows 365 from the update) and counts it', async () => {
    const expires = Math.floor(T0.getTime() / 1000) + KEY_VALIDITY_DAYS * 86400;
    appsync.on(UpdateApiKeyCommand).resolves({ apiKey: { id: 'da2-abc', expires: expires - 1800 } });
    const counted: MetricName[] = [];

    const result = await renewer(counted)({}, lambdaContext('r', 'events-key-renewer'));

    expect(appsync.commandCalls(UpdateApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      { apiId: 'api123', id: 'da2-abc', expires },
    ]);
    // What AppSync kept (rounded down to the hour) is what is reported.
    expect(result).toEqual({ expires: new Date((expires - 1800) * 1000).toISOString() });
    expect(counted).toEqual(['EventsKeyRenewed']);
  });

  it('a refused renewal fails the invocation, counting nothing (the alarms watch both)', async () => {
    appsync.on(UpdateApiKeyCommand).rejects(new Error('AccessDeniedException'));
    const counted: MetricName[] = [];
    await expect(renewer(counted)({}, lambdaContext('r', 'events-key-renewer'))).rejects.toThrow(
      /AccessDenied/,
    );
    expect(counted).toEqual([]);
  });
});
