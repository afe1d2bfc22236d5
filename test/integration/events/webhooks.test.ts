import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { type LocalApp, startLocalApp } from '../../../local/app';
import { LOCAL_WEBHOOK_SECRET } from '../../../local/settings';
import { FAST_ENV, http } from '../../support/app';
import { useReceiver } from '../../support/receiver';
import { waitFor } from '../../support/wait';

/**
 * The merchant webhook of the local runtime (docs/events.md §3): signed deliveries to a receiver on
 * loopback, the retry policy in milliseconds (first retry after 50 ms, doubling, for 8 s), the
 * dead letters and their replay through the local routes.
 */
const receiver = useReceiver();
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };
const RETRY = { WEBHOOK_RETRY_SECONDS: '0.05', WEBHOOK_RETRY_WINDOW_SECONDS: '8' };

const start = (env: Record<string, string> = {}) =>
  startLocalApp({
    env: { ...FAST_ENV, STATUS_CHECK_DELAY_SECONDS: '3600', WEBHOOK_URL: receiver.url(), ...RETRY, ...env },
    emulator: { callbackRetryDelayMs: 5 },
    events: { streamRetryDelayMs: 5 },
  });

let app: LocalApp;
beforeAll(async () => {
  app = await start();
});
afterAll(async () => {
  await app.close();
});
const api = http(() => app.url);
const forOrder = (appTransId: string) =>
  receiver.requests.filter((r) => String(r.headers['webhook-id']).startsWith(appTransId));

describe('the merchant webhook, locally', () => {
  it('POSTs each event, signed so that the standardwebhooks package verifies it with the development secret', async () => {
    receiver.answerWith(() => 204);
    const { appTransId } = await api.createOrder();
    await app.emulator.pay(appTransId);
    await app.events.idle();

    const requests = forOrder(appTransId);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([`${appTransId}.2`, `${appTransId}.3`]);
    const verified = requests.map((r) =>
      new Webhook(LOCAL_WEBHOOK_SECRET).verify(r.body, r.headers as Record<string, string>),
    );
    expect(verified.map((e) => (e as { type: string }).type)).toEqual(['order.pending', 'order.paid']);
  });

  it('retries a receiver answering 500 with growing delays, dead-letters the event, and a replay delivers it with the same id', async () => {
    receiver.answerWith(() => 500);
    const { appTransId } = await api.createOrder();
    const id = `${appTransId}.2`;
    await waitFor(
      async () => (await api.get('/webhooks/dead-letters', MERCHANT)).body.deadLetters.length > 0,
      { what: 'the dead letter', timeoutMs: 40_000 },
    );

    const attempts = forOrder(appTransId).map((r) => r.at);
    // Attempts at 0, 50, 150, 350, 750, 1550, 3150, 6350 ms and the first after the 8 s window
    // (fewer when a loaded machine answers slowly, never more): each wait at least twice the one before.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(9);
    const waits = attempts.slice(1).map((t, i) => t - attempts[i]!);
    for (const [i, wait] of waits.entries()) expect(wait).toBeGreaterThanOrEqual(50 * 2 ** i - 2);
    const [dead] = (await api.get('/webhooks/dead-letters', MERCHANT)).body.deadLetters;
    expect(dead).toMatchObject({
      event: { id, type: 'order.pending' },
      attempts: attempts.length,
      lastError: 'answered HTTP 500',
    });

    receiver.answerWith(() => 200);
    expect((await api.post('/webhooks/dead-letters/replay', { ids: [id] }, MERCHANT)).body).toEqual({
      replayed: [id],
    });
    await app.events.idle();
    const replayed = forOrder(appTransId).at(-1)!;
    expect(replayed.headers['webhook-id']).toBe(id);
    expect(
      new Webhook(LOCAL_WEBHOOK_SECRET).verify(replayed.body, replayed.headers as Record<string, string>),
    ).toMatchObject({ id });
    expect((await api.get('/webhooks/dead-letters', MERCHANT)).body.deadLetters).toEqual([]);
  }, 60_000);

  it('keeps the dead-letter routes for the merchant: wrong key 401, bad body 400', async () => {
    expect((await api.get('/webhooks/dead-letters')).status).toBe(401);
    expect((await api.get('/webhooks/dead-letters', { 'x-api-key': 'guess' })).body.error.code).toBe(
      'UNAUTHORIZED',
    );
    const bad = await api.post('/webhooks/dead-letters/replay', { ids: 'all' }, MERCHANT);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a delivery still pending when the process stops goes out after a restart with DATA_DIR', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'webhooks-'));
    try {
      receiver.answerWith(() => 503);
      // The retry is due half a second after the first attempt: the process stops before.
      const env = { DATA_DIR: dataDir, WEBHOOK_RETRY_SECONDS: '0.5', WEBHOOK_RETRY_WINDOW_SECONDS: '3600' };
      const first = await start(env);
      const { appTransId } = await http(() => first.url).createOrder();
      await waitFor(() => forOrder(appTransId).length === 1, { what: 'the first attempt' });
      await first.close();

      receiver.answerWith(() => 200);
      const second = await start(env);
      try {
        await waitFor(() => forOrder(appTransId).length === 2, { what: 'the retry after the restart' });
        await second.events.idle();
      } finally {
        await second.close();
      }
      expect(forOrder(appTransId).map((r) => r.headers['webhook-id'])).toEqual([
        `${appTransId}.2`,
        `${appTransId}.2`,
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
