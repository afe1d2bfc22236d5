import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalApp } from '../../../local/app';
import type { CreateOrderRequest } from '../../../shared/core/zalopay/types';
import { FAST_ENV } from '../../support/app';
import { watchingSends } from '../../support/dynamo';
import { waitFor } from '../../support/wait';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shutdown-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('closing the local runtime', () => {
  it('lets a request already running finish its writes before the database closes', async () => {
    let created: CreateOrderRequest | undefined;
    let release = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    let reachedZaloPay = () => {};
    const atZaloPay = new Promise<void>((resolve) => (reachedZaloPay = resolve));
    const env = { ...FAST_ENV, DATA_DIR: dataDir, STATUS_CHECK_DELAY_SECONDS: '3600' };
    const app = await startLocalApp({
      env,
      // ZaloPay accepts the order only once shutdown has begun.
      wrapZaloPay: (client) => ({
        ...client,
        createOrder: async (request) => {
          created = request;
          reachedZaloPay();
          await answered;
          return {
            orderUrl: 'https://qcgateway.zalopay.vn/openinapp?order=x',
            zpTransToken: 't',
            orderToken: 't',
            qrCode: undefined,
          };
        },
      }),
    });
    const buyer = fetch(`${app.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 50_000 }),
    }).catch((error: unknown) => error);
    await atZaloPay;

    const closing = app.close();
    release();
    await closing;

    // The buyer's connection went with the server; the order did not go with it.
    expect(String(await buyer)).toMatch(/fetch failed/);
    const again = await startLocalApp({ env });
    try {
      expect(await again.store.get(created?.appTransId ?? '')).toMatchObject({ status: 'PENDING' });
    } finally {
      await again.close();
    }
  });

  it('ends a long-poll at once rather than waiting out its 20 s, and reads no more after closing', async () => {
    let reads = 0;
    const app = await startLocalApp({
      env: FAST_ENV,
      wrapDynamo: watchingSends((command) => {
        if (command instanceof GetCommand) reads += 1;
      }),
    });
    const created = await fetch(`${app.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 50_000 }),
    });
    const { appTransId } = (await created.json()) as { appTransId: string };
    const before = reads;
    const poll = fetch(`${app.url}/orders/${appTransId}?wait=20&status=PENDING`).catch(
      (error: unknown) => error,
    );
    await waitFor(() => reads >= before + 3, { what: 'the long-poll to be polling' });

    // close() ends the long-poll rather than waiting out its 20 s.
    const closing = Date.now();
    await app.close();
    const readsAtClose = reads;
    expect(Date.now() - closing).toBeLessThan(5_000);

    expect(String(await poll)).toMatch(/fetch failed/);
    expect(reads).toBe(readsAtClose);
  });
});
