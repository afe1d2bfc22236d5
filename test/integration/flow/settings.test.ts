import { http, useLocalApp } from '../../support/app';

// A shop that prices carts on its backend and only lets buyers return to its own site.
const app = useLocalApp({
  CREATE_ORDER_AUTH: 'api-key',
  MERCHANT_API_KEY: 'shop-backend-key',
  RETURN_URL_ORIGINS: 'https://shop.example',
  AMOUNT_MIN: '10000',
  AMOUNT_MAX: '20000',
  MERCHANT_NAME: 'Cửa hàng Hoa Sen',
  STATUS_CHECK_DELAY_SECONDS: '3600',
});
const api = http(() => app().url);
const KEY = { 'x-api-key': 'shop-backend-key' };

describe('deployment settings', () => {
  it('CREATE_ORDER_AUTH=api-key: creating an order needs the merchant key', async () => {
    expect((await api.post('/orders', { amount: 15_000 })).status).toBe(401);
    expect((await api.post('/orders', { amount: 15_000 }, { 'x-api-key': 'guess' })).body.error.code).toBe(
      'UNAUTHORIZED',
    );
    const created = await api.post('/orders', { amount: 15_000 }, KEY);
    expect(created.status).toBe(201);
    // Reading an order stays open to the buyer's browser.
    expect((await api.get(`/orders/${created.body.appTransId}`)).status).toBe(200);
  });

  it('the key is checked before the body: no hint about validation without it', async () => {
    expect((await api.post('/orders', '{broken')).status).toBe(401);
  });

  it('AMOUNT_MIN and AMOUNT_MAX bound the amount', async () => {
    expect((await api.post('/orders', { amount: 9_999 }, KEY)).status).toBe(400);
    expect((await api.post('/orders', { amount: 20_001 }, KEY)).status).toBe(400);
    expect((await api.post('/orders', { amount: 20_000 }, KEY)).status).toBe(201);
  });

  it('RETURN_URL_ORIGINS limits where the buyer may be sent', async () => {
    const elsewhere = await api.post('/orders', { amount: 15_000, returnUrl: 'https://evil.example/x' }, KEY);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.details[0]).toMatchObject({ path: 'returnUrl' });
    const home = await api.post('/orders', { amount: 15_000, returnUrl: 'https://shop.example/thanks' }, KEY);
    expect(home.status).toBe(201);
  });

  it('MERCHANT_NAME is the default appUser and shows on the pages, escaped', async () => {
    const created = await api.post('/orders', { amount: 15_000 }, KEY);
    expect((await app().store.get(created.body.appTransId))?.appUser).toBe('Cửa hàng Hoa Sen');
    expect(await (await fetch(`${app().url}/`)).text()).toContain('Cửa hàng Hoa Sen');
  });
});
