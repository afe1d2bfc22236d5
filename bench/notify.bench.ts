/**
 * Notify: how soon a waiting buyer's page hears that its order is paid, on the local runtime
 * (`npm start`'s composition). For each payment a signed callback is POSTed and the time from its
 * answer to the message at a WebSocket subscriber of the order's channel (`/event/realtime`,
 * docs/events.md §5) is measured; then the same for the long-poll fallback (`GET
 * /orders/{id}?wait=20`, answered when the order changes, checked every LONG_POLL_INTERVAL_MS).
 * p50 and p99 over BENCH_PAYMENTS payments (200); the aim for the push is p50 under 50 ms. The
 * push often arrives before the callback's answer (counted 0), so the times from the callback's
 * sending are printed too.
 */

import { CALLBACK_PATH } from '../functions/routes';
import { startLocalApp } from '../local/app';
import { LOCAL_EVENTS_API_KEY } from '../local/settings';
import { PushClient } from '../test/support/push';
import { signedCallback } from '../test/support/zalopay';
import { percentile } from './stats';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 200);
/** Long-polls waiting at once in the second part (each lasts about one poll interval). */
const LONG_POLL_CONCURRENCY = 5;

const app = await startLocalApp({
  env: { PORT: '0', LOG_LEVEL: 'SILENT', STATUS_CHECK_DELAY_SECONDS: '3600', SWEEP_INTERVAL_SECONDS: '3600' },
});
const merchant = { 'content-type': 'application/json', 'x-api-key': 'dev-merchant-key' };

const createOrder = async (): Promise<string> => {
  const res = await fetch(`${app.url}/orders`, {
    method: 'POST',
    headers: merchant,
    body: '{"amount":50000}',
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  return ((await res.json()) as { appTransId: string }).appTransId;
};

/** POSTs ZaloPay's callback for the order; resolves when its answer has arrived. */
const pay = async (appTransId: string): Promise<void> => {
  const res = await fetch(`${app.url}${CALLBACK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signedCallback({ appTransId, amount: 50_000 })),
  });
  const answer = (await res.json()) as { return_code: number };
  if (answer.return_code !== 1) throw new Error(`callback answered ${JSON.stringify(answer)}`);
};

// Part 1: the push. One subscriber connection, one subscription per order, as a page holds it.
const auth = { host: new URL(app.url).host, 'x-api-key': LOCAL_EVENTS_API_KEY };
const client = await PushClient.connect(app.events.realtimeUrl, auth);
const pushMs: number[] = [];
const pushFromSentMs: number[] = [];
for (let n = 0; n < PAYMENTS; n++) {
  const appTransId = await createOrder();
  const id = `s${n}`;
  const answer = await client.subscribe(id, `/orders/${appTransId.replace('_', '-')}`, auth);
  if (answer.type !== 'subscribe_success') throw new Error(`subscribe: ${JSON.stringify(answer)}`);
  let heardAt = Number.NaN;
  const heard = new Promise<void>((resolve) => {
    const listen = (data: unknown) => {
      const message = JSON.parse(String(data));
      if (message.type === 'data' && message.id === id && JSON.parse(message.event).status === 'PAID') {
        heardAt = performance.now();
        client.socket.off('message', listen);
        resolve();
      }
    };
    client.socket.on('message', listen);
  });
  const sentAt = performance.now();
  await pay(appTransId);
  const answeredAt = performance.now();
  await heard;
  // The message may even arrive before the answer does: counted as 0.
  pushMs.push(Math.max(0, heardAt - answeredAt));
  pushFromSentMs.push(heardAt - sentAt);
  client.send({ type: 'unsubscribe', id });
}
await client.close();

const row = (name: string, samples: number[]) =>
  `${name.padEnd(34)} p50 ${percentile(samples, 0.5).toFixed(1).padStart(7)} ms   p99 ${percentile(samples, 0.99).toFixed(1).padStart(7)} ms   (n=${samples.length})`;
console.log(`\nCallback answered → buyer's page told, ${PAYMENTS} payments, local runtime`);
console.log(row('push (WebSocket, /event/realtime)', pushMs));
console.log(row('push, from the callback sent', pushFromSentMs));

// Part 2: the long-poll, a few at a time.
const longPollMs: number[] = [];
const longPollFromSentMs: number[] = [];
const longPollOne = async () => {
  const appTransId = await createOrder();
  const read = fetch(`${app.url}/orders/${appTransId}?wait=20`).then(async (res) => {
    const at = performance.now();
    return { status: ((await res.json()) as { status: string }).status, at };
  });
  const sentAt = performance.now();
  await pay(appTransId);
  const answeredAt = performance.now();
  const { status, at } = await read;
  if (status !== 'PAID') throw new Error(`long-poll answered ${status}`);
  longPollMs.push(Math.max(0, at - answeredAt));
  longPollFromSentMs.push(at - sentAt);
};
for (let done = 0; done < PAYMENTS; done += LONG_POLL_CONCURRENCY) {
  await Promise.all(Array.from({ length: Math.min(LONG_POLL_CONCURRENCY, PAYMENTS - done) }, longPollOne));
}
await app.close();

const p50 = percentile(pushMs, 0.5);
console.log(
  p50 < 50
    ? `push p50 ${p50.toFixed(1)} ms: within the 50 ms aim`
    : `push p50 ${p50.toFixed(1)} ms: ABOVE the 50 ms aim`,
);
console.log(row(`long-poll (interval ${app.config.longPollIntervalMs} ms)`, longPollMs));
console.log(row('long-poll, from the callback sent', longPollFromSentMs));
