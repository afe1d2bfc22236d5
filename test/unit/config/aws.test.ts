import fc from 'fast-check';
import { pageSettings } from '../../../shared/adapters/aws/page-settings';
import {
  eventsKeySettings,
  orderEventsSettings,
  parseSecret,
  SECRET_TEMPLATE,
  schedulerSettings,
  secretSettings,
  tableSettings,
  webhookSecretOf,
  webhookSettings,
} from '../../../shared/adapters/aws/settings';
import { loadConfig } from '../../../shared/core/config';
import { ConfigError } from '../../../shared/core/config-error';
import { SANDBOX } from '../../support/sandbox';

const MERCHANT_API_KEY = 'a'.repeat(40);
const secretText = (fields: Record<string, unknown>) =>
  JSON.stringify({ ...fields, merchantApiKey: MERCHANT_API_KEY });

describe('the ZaloPay secret', () => {
  it('gives the credentials and the merchant API key', () => {
    expect(parseSecret(secretText({ appId: 2553, key1: SANDBOX.key1, key2: SANDBOX.key2 }))).toEqual({
      credentials: { appId: 2553, key1: SANDBOX.key1, key2: SANDBOX.key2 },
      merchantApiKey: MERCHANT_API_KEY,
    });
  });

  it('keeps the previous key2 during a rotation and takes appId as text too', () => {
    const parsed = parseSecret(secretText({ appId: '2553', key1: 'k1', key2: 'new', key2Previous: 'old' }));
    expect(parsed.credentials).toEqual({ appId: 2553, key1: 'k1', key2: 'new', key2Previous: 'old' });
  });

  it('refuses the placeholders the stack writes, naming the fields to fill in', () => {
    const error = (() => {
      try {
        parseSecret(secretText(SECRET_TEMPLATE));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/appId .*key1 is still the placeholder.*key2 is still the placeholder/);
  });

  it.each([
    ['not JSON at all', `${SANDBOX.key1}"`],
    [
      'a key of the wrong type',
      JSON.stringify({ appId: 2553, key1: 42, key2: SANDBOX.key2, merchantApiKey: MERCHANT_API_KEY }),
    ],
    [
      'a merchant API key too short to be safe',
      JSON.stringify({
        appId: 2553,
        key1: SANDBOX.key1,
        key2: SANDBOX.key2,
        merchantApiKey: SANDBOX.key2.slice(0, 8),
      }),
    ],
  ])('refuses %s without ever quoting a value', (_, text) => {
    expect(() => parseSecret(text)).toThrow(ConfigError);
    try {
      parseSecret(text);
    } catch (e) {
      expect((e as Error).message).not.toContain(SANDBOX.key1);
      expect((e as Error).message).not.toContain(SANDBOX.key2.slice(0, 8));
    }
  });
});

describe('the webhook secret in the ZaloPay secret', () => {
  const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  const secret = (webhookSecret?: unknown) =>
    parseSecret(
      secretText({
        appId: 2553,
        key1: 'k1',
        key2: 'k2',
        ...(webhookSecret !== undefined && { webhookSecret }),
      }),
    );

  it('is optional, and kept when given', () => {
    expect(secret()).not.toHaveProperty('webhookSecret');
    expect(webhookSecretOf(secret(WHSEC))).toBe(WHSEC);
  });

  it('when missing or malformed fails the webhook only: the ZaloPay keys still parse', () => {
    for (const bad of [undefined, 'whsec_short', `whsec_${'*'.repeat(40)}`, WHSEC.slice('whsec_'.length)]) {
      const parsed = secret(bad);
      expect(parsed.credentials.key1).toBe('k1');
      expect(() => webhookSecretOf(parsed)).toThrow(ConfigError);
      try {
        webhookSecretOf(parsed);
      } catch (e) {
        expect((e as Error).message).toMatch(/webhookSecret/);
        if (bad) expect((e as Error).message).not.toContain(bad);
      }
    }
  });
});

describe('AWS settings from the environment', () => {
  const SECRET = 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:zalopay-AbCdEf';

  it('reads the table, the secret (5 minutes of caching by default) and the scheduler', () => {
    expect(tableSettings({ TABLE_NAME: 'orders' })).toEqual({ tableName: 'orders' });
    expect(secretSettings({ ZALOPAY_SECRET_ARN: SECRET })).toEqual({ secretArn: SECRET, maxAgeSeconds: 300 });
    expect(
      schedulerSettings({
        STATUS_CHECK_SCHEDULE_GROUP: 'checks',
        STATUS_CHECK_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/r',
        STATUS_CHECK_DLQ_ARN: 'arn:aws:sqs:ap-southeast-1:123456789012:q',
      }),
    ).toEqual({
      groupName: 'checks',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      deadLetterArn: 'arn:aws:sqs:ap-southeast-1:123456789012:q',
      targetArn: undefined,
    });
  });

  it('reads where order events go, each consumer optional', () => {
    const env = {
      EVENTS_HTTP_ENDPOINT: 'https://abc.appsync-api.ap-southeast-1.amazonaws.com/event',
      EVENT_BUS: 'arn:aws:events:ap-southeast-1:123456789012:event-bus/shop',
      WEBHOOK_QUEUE_URL: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/webhooks',
    };
    expect(orderEventsSettings(env)).toEqual({
      eventsEndpoint: env.EVENTS_HTTP_ENDPOINT,
      eventBus: env.EVENT_BUS,
      webhookQueueUrl: env.WEBHOOK_QUEUE_URL,
    });
    expect(orderEventsSettings({})).toEqual({
      eventsEndpoint: undefined,
      eventBus: undefined,
      webhookQueueUrl: undefined,
    });
    expect(
      webhookSettings({
        ...env,
        WEBHOOK_URL: 'https://shop.example/hooks',
        WEBHOOK_DLQ_URL: `${env.WEBHOOK_QUEUE_URL}-dlq`,
      }),
    ).toEqual({
      webhookUrl: 'https://shop.example/hooks',
      queueUrl: env.WEBHOOK_QUEUE_URL,
      deadLetterQueueUrl: `${env.WEBHOOK_QUEUE_URL}-dlq`,
    });
    expect(eventsKeySettings({ EVENTS_API_ID: 'api', EVENTS_API_KEY_ID: 'da2-x' })).toEqual({
      apiId: 'api',
      keyId: 'da2-x',
    });
  });

  it('gives the pages a push channel only when the stack gave all three of its settings', () => {
    const push = {
      EVENTS_REALTIME_URL: 'wss://abc.appsync-realtime-api.ap-southeast-1.amazonaws.com/event/realtime',
      EVENTS_HTTP_HOST: 'abc.appsync-api.ap-southeast-1.amazonaws.com',
      EVENTS_API_KEY: 'da2-key',
    };
    expect(pageSettings(push).push).toEqual({
      realtimeUrl: push.EVENTS_REALTIME_URL,
      host: push.EVENTS_HTTP_HOST,
      apiKey: 'da2-key',
    });
    expect(pageSettings({ ...push, EVENTS_API_KEY: undefined }).push).toBeUndefined();
    expect(pageSettings({}).push).toBeUndefined();
  });

  it.each([
    [() => webhookSettings({ WEBHOOK_QUEUE_URL: 'https://q', WEBHOOK_DLQ_URL: 'https://d' }), 'WEBHOOK_URL'],
    [() => orderEventsSettings({ WEBHOOK_QUEUE_URL: 'not a url' }), 'WEBHOOK_QUEUE_URL'],
    [() => eventsKeySettings({ EVENTS_API_ID: 'api' }), 'EVENTS_API_KEY_ID'],
    [() => tableSettings({}), 'TABLE_NAME'],
    [() => secretSettings({ ZALOPAY_SECRET_ARN: 'zalopay' }), 'ZALOPAY_SECRET_ARN'],
    [
      () => secretSettings({ ZALOPAY_SECRET_ARN: SECRET, ZALOPAY_SECRET_MAX_AGE_SECONDS: '-1' }),
      'ZALOPAY_SECRET_MAX_AGE_SECONDS',
    ],
    [() => schedulerSettings({ STATUS_CHECK_SCHEDULE_GROUP: 'checks' }), 'STATUS_CHECK_SCHEDULER_ROLE_ARN'],
  ])('fails fast on a missing or malformed variable, naming it (%#)', (read, name) => {
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(name);
  });
});

/**
 * The pages function checks its few variables without the settings' schemas (its cold start); the
 * rules must stay those of `loadConfig` and of the other AWS settings.
 */
describe("the pages' settings (no schemas)", () => {
  const BASE = {
    PUBLIC_BASE_URL: 'https://api.example.com',
    ZALOPAY_API_BASE: 'https://sb-openapi.zalopay.vn',
  };
  const outcome = (read: () => unknown) => {
    try {
      return { value: read() };
    } catch (error) {
      return { error: error instanceof ConfigError };
    }
  };

  it('takes a merchant name exactly when loadConfig does, with the same default', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 60, unit: 'grapheme' }), { nil: undefined }), (name) => {
        const env = { ...BASE, MERCHANT_NAME: name };
        const fromConfig = outcome(() => loadConfig(env).merchantName);
        const fromPages = outcome(() => pageSettings(env).merchantName);
        expect(fromPages).toEqual(fromConfig);
      }),
    );
    expect(pageSettings({}).merchantName).toBe('ZaloPay QR demo');
  });

  it('gives the push channel only with all three settings, as the stack gives them', () => {
    const push = {
      EVENTS_REALTIME_URL: 'wss://abc.appsync-realtime-api.ap-southeast-1.amazonaws.com/event/realtime',
      EVENTS_HTTP_HOST: 'abc.appsync-api.ap-southeast-1.amazonaws.com',
      EVENTS_API_KEY: 'da2-key',
    };
    expect(pageSettings({ ...push, MERCHANT_NAME: 'Cà phê' })).toEqual({
      merchantName: 'Cà phê',
      push: { realtimeUrl: push.EVENTS_REALTIME_URL, host: push.EVENTS_HTTP_HOST, apiKey: 'da2-key' },
    });
    expect(pageSettings({ ...push, EVENTS_HTTP_HOST: undefined }).push).toBeUndefined();
  });

  it.each([
    [{ MERCHANT_NAME: '' }, 'MERCHANT_NAME'],
    [{ MERCHANT_NAME: 'x'.repeat(51) }, 'MERCHANT_NAME'],
    [{ EVENTS_REALTIME_URL: 'appsync-realtime-api.example' }, 'EVENTS_REALTIME_URL'],
    [{ EVENTS_REALTIME_URL: 'ftp://abc.example/event/realtime' }, 'EVENTS_REALTIME_URL'],
    [{ EVENTS_HTTP_HOST: '' }, 'EVENTS_HTTP_HOST'],
    [{ EVENTS_API_KEY: '' }, 'EVENTS_API_KEY'],
  ])('fails the cold start on a malformed variable, naming it and not its value (%#)', (env, name) => {
    const read = () => pageSettings(env);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(`Invalid configuration: ${name}: `);
    for (const value of Object.values(env)) if (value) expect(read).not.toThrow(value);
  });

  it('names every bad variable at once', () => {
    expect(() => pageSettings({ MERCHANT_NAME: '', EVENTS_API_KEY: '' })).toThrow(
      'Invalid configuration: MERCHANT_NAME: must be 1 to 50 characters; EVENTS_API_KEY: must not be empty',
    );
  });
});
