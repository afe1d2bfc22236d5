import { localFallbacks, localSettings } from '../../../local/settings';
import { envName, loadConfig } from '../../../shared/core/config';
import { ConfigError } from '../../../shared/core/config-error';

/** What `npm start` gives for the URLs a deployment always sets. */
const LOCAL = localFallbacks(3000, '/emulator');

describe('configuration', () => {
  it('runs the local demo with nothing set (docs/configuration.md defaults)', () => {
    expect(localSettings({}).port).toBe(3000);
    expect(loadConfig({}, LOCAL)).toEqual({
      publicBaseUrl: 'http://localhost:3000',
      callbackUrl: 'http://localhost:3000/zalopay/callback',
      redirectUrl: 'http://localhost:3000/zalopay/redirect',
      zalopayApiBase: 'http://localhost:3000/emulator',
      zalopayTimeoutMs: 10_000,
      statusCheckDelaySeconds: 1200,
      statusRecheckSeconds: 60,
      expiryGraceSeconds: 300,
      amountMin: 1000,
      amountMax: 50_000_000,
      merchantName: 'ZaloPay QR demo',
      createOrderAuth: 'none',
      // No allow-list: a returnUrl may only lead back to us.
      returnUrlOrigins: ['http://localhost:3000'],
      longPollIntervalMs: 1000,
      logLevel: 'INFO',
    });
  });

  it('derives the callback and redirect from PUBLIC_BASE_URL, unless the callback is set apart', () => {
    const config = loadConfig(
      {
        PUBLIC_BASE_URL: 'https://api.shop.example/',
        ZALOPAY_CALLBACK_URL: 'https://abc.lambda-url.ap-southeast-1.on.aws/',
      },
      LOCAL,
    );
    expect(config.redirectUrl).toBe('https://api.shop.example/zalopay/redirect');
    expect(config.callbackUrl).toBe('https://abc.lambda-url.ap-southeast-1.on.aws');
  });

  it('reads origins, levels and fractional schedules', () => {
    const config = loadConfig(
      {
        RETURN_URL_ORIGINS: 'https://shop.example, http://localhost:5173',
        LOG_LEVEL: 'debug',
        STATUS_CHECK_DELAY_SECONDS: '0.25',
      },
      LOCAL,
    );
    expect(config.returnUrlOrigins).toEqual(['https://shop.example', 'http://localhost:5173']);
    expect(config.logLevel).toBe('DEBUG');
    expect(config.statusCheckDelaySeconds).toBe(0.25);
  });

  it.each([
    [{ AMOUNT_MIN: '5000', AMOUNT_MAX: '1000' }, 'AMOUNT_MIN'],
    [{ CREATE_ORDER_AUTH: 'maybe' }, 'CREATE_ORDER_AUTH'],
    [{ ZALOPAY_API_BASE: 'ftp://x' }, 'ZALOPAY_API_BASE'],
    [{ STATUS_RECHECK_SECONDS: '0' }, 'STATUS_RECHECK_SECONDS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RETURN_URL_ORIGINS: 'https://shop.example/path' }, 'RETURN_URL_ORIGINS'],
  ])('fails fast on %o, naming %s', (env, name) => {
    expect(() => loadConfig(env, LOCAL)).toThrow(ConfigError);
    expect(() => loadConfig(env, LOCAL)).toThrow(name);
  });

  it('fails fast on a bad local PORT, naming it', () => {
    expect(() => localSettings({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => localSettings({ PORT: 'eighty' })).toThrow('PORT');
  });

  it('has no local default: a deployment must give the API base URL and ZaloPay’s host', () => {
    expect(() => loadConfig({})).toThrow('PUBLIC_BASE_URL, ZALOPAY_API_BASE must be set');
    expect(
      loadConfig({ PUBLIC_BASE_URL: 'https://api.example', ZALOPAY_API_BASE: 'https://zp.example' }),
    ).toMatchObject({
      publicBaseUrl: 'https://api.example',
      zalopayApiBase: 'https://zp.example',
    });
  });

  it('names each setting’s variable once, in upper snake case', () => {
    expect(envName('statusCheckDelaySeconds')).toBe('STATUS_CHECK_DELAY_SECONDS');
    expect(envName('zalopayCallbackUrl')).toBe('ZALOPAY_CALLBACK_URL');
  });
});
