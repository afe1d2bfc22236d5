import { readSettings, SettingsError } from '../../infra/settings';

const settings = (context: Record<string, unknown>) => readSettings((key) => context[key]);

describe('deployment settings from CDK context', () => {
  it('without any context: a sandbox stack with the demo pages, every app default', () => {
    expect(settings({})).toEqual({
      zalopayEnv: 'sandbox',
      stackName: 'zalopay-qr-sandbox',
      zalopaySecretArn: undefined,
      allowedOrigins: [],
      appEnv: { ZALOPAY_API_BASE: 'https://sb-openapi.zalopay.vn', LOG_LEVEL: 'info' },
      demoPages: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      alarmEmail: undefined,
      webhookUrl: undefined,
      eventBusArn: undefined,
    });
  });

  it('order events: the merchant webhook (https only) and an existing bus', () => {
    const bus = 'arn:aws:events:ap-southeast-1:123456789012:event-bus/shop-orders';
    expect(settings({ webhookUrl: 'https://shop.example/hooks', eventBusArn: bus })).toMatchObject({
      webhookUrl: 'https://shop.example/hooks',
      eventBusArn: bus,
    });
  });

  it('production: ZaloPay’s production host, no demo pages unless asked for', () => {
    expect(settings({ zalopayEnv: 'production' })).toMatchObject({
      stackName: 'zalopay-qr-production',
      appEnv: { ZALOPAY_API_BASE: 'https://openapi.zalopay.vn' },
      demoPages: false,
    });
    expect(settings({ zalopayEnv: 'production', demoPages: 'true' }).demoPages).toBe(true);
  });

  it('takes -c strings and cdk.json values alike', () => {
    expect(
      settings({
        allowedOrigins: ['https://a.example', 'https://b.example'],
        amountMin: 5000,
        amountMax: '20000000',
        demoPages: false,
        throttleRateLimit: '10',
      }),
    ).toMatchObject({
      allowedOrigins: ['https://a.example', 'https://b.example'],
      appEnv: {
        AMOUNT_MIN: '5000',
        AMOUNT_MAX: '20000000',
        RETURN_URL_ORIGINS: 'https://a.example,https://b.example',
      },
      demoPages: false,
      throttle: { rateLimit: 10, burstLimit: 100 },
    });
    expect(
      settings({ allowedOrigins: 'https://a.example', returnUrlOrigins: 'https://pay.example' }).appEnv,
    ).toMatchObject({ RETURN_URL_ORIGINS: 'https://pay.example' });
  });

  it.each([
    [{ zalopayEnv: 'prod' }, 'zalopayEnv'],
    [{ allowedOrigins: 'https://shop.example/checkout' }, 'allowedOrigins'],
    [
      { zalopaySecretArn: 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:zalopay' },
      'zalopaySecretArn',
    ],
    [{ amountMin: '60000', amountMax: '50000' }, 'AMOUNT_MIN'],
    [{ statusCheckDelaySeconds: 'soon' }, 'STATUS_CHECK_DELAY_SECONDS'],
    [{ logLevel: 'chatty' }, 'LOG_LEVEL'],
    [{ alarmEmail: 'ops' }, 'alarmEmail'],
    [{ webhookUrl: 'http://shop.example/hooks' }, 'webhookUrl'],
    [{ eventBusArn: 'shop-orders' }, 'eventBusArn'],
    [{ throttleBurstLimit: '0' }, 'throttleBurstLimit'],
  ])('refuses %j, naming %s', (context, name) => {
    expect(() => settings(context)).toThrow(SettingsError);
    expect(() => settings(context)).toThrow(name);
  });
});
