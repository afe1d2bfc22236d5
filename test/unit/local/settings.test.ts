import { LOCAL_WEBHOOK_SECRET, localFallbacks, localSettings } from '../../../local/settings';
import { SANDBOX } from '../../support/sandbox';

describe('localSettings', () => {
  it('defaults to the public sandbox app, an in-memory store and a 5-minute sweep', () => {
    expect(localSettings({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      credentials: { appId: SANDBOX.appId, key1: SANDBOX.key1, key2: SANDBOX.key2 },
      merchantApiKey: 'dev-merchant-key',
      dataDir: undefined,
      sweepIntervalSeconds: 300,
      emulatorAppCallbackUrl: undefined,
      eventsApiKey: 'local-events-key',
      webhook: {
        url: undefined,
        secret: LOCAL_WEBHOOK_SECRET,
        retry: { firstDelaySeconds: 10, maxDelaySeconds: 3600, windowSeconds: 86_400 },
      },
    });
  });

  it('reads each variable, and takes an empty one for unset', () => {
    const env = {
      ZALOPAY_APP_ID: '554',
      ZALOPAY_KEY1: 'k1',
      ZALOPAY_KEY2: 'k2',
      ZALOPAY_KEY2_PREVIOUS: 'k2-old',
      MERCHANT_API_KEY: 'shop-key',
      DATA_DIR: '/var/lib/zalopay-qr',
      SWEEP_INTERVAL_SECONDS: '0.5',
      HOST: '0.0.0.0',
      EMULATOR_APP_CALLBACK_URL: 'https://shop.example/zalopay/callback',
    };
    expect(localSettings(env)).toEqual({
      port: 3000,
      host: '0.0.0.0',
      credentials: { appId: 554, key1: 'k1', key2: 'k2', key2Previous: 'k2-old' },
      merchantApiKey: 'shop-key',
      dataDir: '/var/lib/zalopay-qr',
      sweepIntervalSeconds: 0.5,
      emulatorAppCallbackUrl: 'https://shop.example/zalopay/callback',
      eventsApiKey: 'local-events-key',
      webhook: expect.objectContaining({ url: undefined }),
    });
    expect(
      localSettings({ MERCHANT_API_KEY: '', DATA_DIR: '', SWEEP_INTERVAL_SECONDS: '', HOST: '' }),
    ).toMatchObject({
      host: '127.0.0.1',
      merchantApiKey: 'dev-merchant-key',
      dataDir: undefined,
      sweepIntervalSeconds: 300,
    });
  });

  it('reads the order-events settings: push key, webhook URL, secret and retry timings', () => {
    const secret = `whsec_${Buffer.from('a-merchant-secret-of-32-bytes!!!').toString('base64')}`;
    expect(
      localSettings({
        EVENTS_API_KEY: 'my-push-key',
        WEBHOOK_URL: 'http://localhost:4000/hooks',
        WEBHOOK_SECRET: secret,
        WEBHOOK_RETRY_SECONDS: '0.01',
        WEBHOOK_RETRY_WINDOW_SECONDS: '0.5',
      }),
    ).toMatchObject({
      eventsApiKey: 'my-push-key',
      webhook: {
        url: 'http://localhost:4000/hooks',
        secret,
        retry: { firstDelaySeconds: 0.01, maxDelaySeconds: 3600, windowSeconds: 0.5 },
      },
    });
    expect(localSettings({ WEBHOOK_URL: '' }).webhook.url).toBeUndefined();
    expect(LOCAL_WEBHOOK_SECRET).toMatch(/^whsec_/);
  });

  it('refuses malformed order-events settings, naming them and never quoting the secret', () => {
    const attempt = () =>
      localSettings({
        WEBHOOK_URL: 'ftp://shop.example',
        WEBHOOK_SECRET: 'whsec_tooShort',
        WEBHOOK_RETRY_SECONDS: '0',
        WEBHOOK_RETRY_WINDOW_SECONDS: 'a day',
        EVENTS_API_KEY: '',
      });
    expect(attempt).toThrow(
      /EVENTS_API_KEY.*WEBHOOK_URL.*WEBHOOK_SECRET.*WEBHOOK_RETRY_SECONDS.*WEBHOOK_RETRY_WINDOW_SECONDS/,
    );
    expect(attempt).not.toThrow(/tooShort/);
  });

  it('gives the URLs as localhost unless HOST names an address that localhost does not reach', () => {
    expect(localFallbacks(3000, '/emulator').publicBaseUrl).toBe('http://localhost:3000');
    expect(localFallbacks(3000, '/emulator', '0.0.0.0').publicBaseUrl).toBe('http://localhost:3000');
    expect(localFallbacks(3000, '/emulator', '192.168.1.20')).toEqual({
      publicBaseUrl: 'http://192.168.1.20:3000',
      zalopayApiBase: 'http://192.168.1.20:3000/emulator',
    });
    expect(localFallbacks(80, '/emulator', '::1').publicBaseUrl).toBe('http://[::1]:80');
  });

  it('refuses malformed values with a ConfigError naming each of them', () => {
    const attempt = () =>
      localSettings({
        ZALOPAY_APP_ID: 'x',
        ZALOPAY_KEY1: '',
        SWEEP_INTERVAL_SECONDS: 'soon',
        ZALOPAY_KEY2: '',
        HOST: 'http://0.0.0.0/',
        EMULATOR_APP_CALLBACK_URL: 'ftp://shop.example/',
      });
    expect(attempt).toThrow(
      /HOST.*ZALOPAY_APP_ID.*ZALOPAY_KEY1.*ZALOPAY_KEY2.*SWEEP_INTERVAL_SECONDS.*EMULATOR_APP_CALLBACK_URL/,
    );
    expect(attempt).toThrow(expect.objectContaining({ name: 'ConfigError' }));
  });
});
