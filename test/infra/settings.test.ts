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
      concurrency: { reserve: true, callback: 10, statusCheck: 10, getOrder: 50 },
      functionMemory: {},
      openTelemetryLayerArn: undefined,
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

  it('production: orders are created by the merchant’s backend only, unless the context says otherwise', () => {
    expect(settings({ zalopayEnv: 'production' }).appEnv.CREATE_ORDER_AUTH).toBe('api-key');
    expect(settings({}).appEnv.CREATE_ORDER_AUTH).toBeUndefined();
    expect(settings({ zalopayEnv: 'production', createOrderAuth: 'none' }).appEnv.CREATE_ORDER_AUTH).toBe(
      'none',
    );
  });

  it('concurrency: reservations by function, 0 for none, or none at all for a low account quota', () => {
    expect(settings({ callbackConcurrency: '25', getOrderConcurrency: 0 }).concurrency).toEqual({
      reserve: true,
      callback: 25,
      statusCheck: 10,
      getOrder: undefined,
    });
    expect(settings({ reservedConcurrency: 'false' }).concurrency).toEqual({
      reserve: false,
      callback: undefined,
      statusCheck: undefined,
      getOrder: undefined,
    });
  });

  it('memory by function, from -c text or a cdk.json object; the OpenTelemetry layer when given', () => {
    expect(settings({ functionMemory: 'qr=1024, pages=256' }).functionMemory).toEqual({
      qr: 1024,
      pages: 256,
    });
    expect(settings({ functionMemory: { callback: 1024 } }).functionMemory).toEqual({ callback: 1024 });
    const layer = 'arn:aws:lambda:ap-southeast-1:615299751070:layer:AWSOpenTelemetryDistroJs:6';
    expect(settings({ openTelemetryLayerArn: layer }).openTelemetryLayerArn).toBe(layer);
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
    [{ callbackConcurrency: '-1' }, 'callbackConcurrency'],
    [{ reservedConcurrency: 'maybe' }, 'reservedConcurrency'],
    [{ functionMemory: 'qr=64' }, 'functionMemory'],
    [{ functionMemory: 'qr' }, 'functionMemory'],
    [{ openTelemetryLayerArn: 'otel' }, 'openTelemetryLayerArn'],
  ])('refuses %j, naming %s', (context, name) => {
    expect(() => settings(context)).toThrow(SettingsError);
    expect(() => settings(context)).toThrow(name);
  });
});
