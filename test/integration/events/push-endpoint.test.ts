import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_WS_PROTOCOL, LocalEventApi, PUBLISH_PATH, REALTIME_PATH } from '../../../local/events/appsync';
import { AppSyncEventsPublisher } from '../../../shared/adapters/events/appsync';
import { channelOf, eventOf } from '../../../shared/core/events';
import { silentLog } from '../../../shared/core/observability';
import { anOrder, uniqueOrder } from '../../support/orders';
import { headerProtocol, PushClient } from '../../support/push';
import { waitFor } from '../../support/wait';

/**
 * The local stand-in of AppSync Events (docs/events.md §5) on a real HTTP server, spoken to by the
 * publisher the order-events function uses and by a WebSocket client of AppSync's protocol.
 */
const API_KEY = 'local-events-key';
const CREDENTIALS = { accessKeyId: 'publisher', secretAccessKey: 'publisher-secret' };
let server: Server;
let api: LocalEventApi;
let base = '';
let host = '';
beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `localhost:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
  api = new LocalEventApi({
    apiKey: API_KEY,
    host,
    credentials: CREDENTIALS,
    region: 'local',
    log: silentLog,
    keepAliveMs: 20,
  });
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', base).pathname;
    if (path === PUBLISH_PATH || path.startsWith(`${PUBLISH_PATH}/`)) {
      void api.handle(req, res, path.slice(PUBLISH_PATH.length) || '/');
    } else res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => api.handleUpgrade(req, socket, head));
});
afterAll(async () => {
  await api.close();
  await new Promise((resolve) => server.close(resolve));
});

const auth = () => ({ host, 'x-api-key': API_KEY });
const realtime = () => `ws://${host}${REALTIME_PATH}`;
const publisher = (credentials = CREDENTIALS) =>
  new AppSyncEventsPublisher({
    endpoint: `${base}${PUBLISH_PATH}`,
    region: 'local',
    credentials: () => credentials,
  });
const clients: PushClient[] = [];
const connect = async () => {
  const client = await PushClient.connect(realtime(), auth());
  clients.push(client);
  return client;
};
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const paidEvent = (order = uniqueOrder()) =>
  eventOf(order, { ...order, status: 'PAID', version: order.version + 1 }, 'https://api.example')!;

describe('the local AppSync Events endpoint', () => {
  it('pushes what the signed publisher publishes to the order’s subscribers, and only to them', async () => {
    const client = await connect();
    const event = paidEvent();
    const other = paidEvent();
    expect(await client.subscribe('mine', channelOf(event.data.order.appTransId), auth())).toEqual({
      type: 'subscribe_success',
      id: 'mine',
    });
    expect((await client.subscribe('theirs', channelOf(other.data.order.appTransId), auth())).type).toBe(
      'subscribe_success',
    );

    await publisher().deliver(event);

    await waitFor(() => client.events('mine').length === 1, { what: 'the push' });
    expect(client.events('mine')).toEqual([
      {
        id: event.id,
        type: 'order.paid',
        appTransId: event.data.order.appTransId,
        status: 'PAID',
        updatedAt: event.data.order.updatedAt,
      },
    ]);
    expect(client.events('theirs')).toEqual([]);
  });

  it('acknowledges with a connection timeout, then keeps the connection alive', async () => {
    const client = await connect();
    expect(client.messages[0]).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    await client.next('ka');
  });

  it('refuses a wildcard subscription, another namespace and a wrong or missing key', async () => {
    const client = await connect();
    const refused = async (channel: string, authorization: unknown = auth()) =>
      (await client.subscribe(`s-${Math.random()}`, channel, authorization)).errors?.[0]?.errorType;
    expect(await refused('/orders/*')).toBe('UnauthorizedException');
    expect(await refused('/orders/261128-a/*')).toBe('UnauthorizedException');
    expect(await refused('/*')).toBe('BadRequestException');
    expect(await refused('/default/channel')).toBe('BadRequestException');
    expect(await refused(channelOf(anOrder().appTransId), { host, 'x-api-key': 'guessed' })).toBe(
      'UnauthorizedException',
    );
    expect(
      await refused(channelOf(anOrder().appTransId), { host: 'elsewhere.example', 'x-api-key': API_KEY }),
    ).toBe('UnauthorizedException');
    expect(await refused(channelOf(anOrder().appTransId), null)).toBe('UnauthorizedException');
  });

  it('refuses a connection without the right key in its header subprotocol', async () => {
    for (const protocols of [
      [EVENT_WS_PROTOCOL, headerProtocol({ host, 'x-api-key': 'guessed' })],
      [EVENT_WS_PROTOCOL],
      [EVENT_WS_PROTOCOL, 'header-not-base64-json'],
    ]) {
      const client = new PushClient(realtime(), protocols);
      clients.push(client);
      const error = client.next('connection_error');
      expect((await error).errors[0].errorType).toBe('UnauthorizedException');
      expect(await client.closed).toBe(1008);
    }
  });

  it('refuses a publish with the API key, over HTTP and over the WebSocket', async () => {
    const body = JSON.stringify({ channel: channelOf(anOrder().appTransId), events: ['{"a":1}'] });
    const withKey = await fetch(`${base}${PUBLISH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body,
    });
    expect(withKey.status).toBe(401);
    expect((await withKey.json()).errors[0].errorType).toBe('UnauthorizedException');

    const client = await connect();
    const answer = client.next('publish_error', 'p1');
    client.send({
      type: 'publish',
      id: 'p1',
      channel: channelOf(anOrder().appTransId),
      events: ['{}'],
      authorization: auth(),
    });
    expect((await answer).errors[0].errorType).toBe('UnauthorizedException');
  });

  it('refuses a publish signed with other credentials or altered after signing', async () => {
    const event = paidEvent();
    await expect(publisher({ ...CREDENTIALS, secretAccessKey: 'guessed' }).deliver(event)).rejects.toThrow(
      /HTTP 403/,
    );
    await expect(publisher({ ...CREDENTIALS, accessKeyId: 'someone' }).deliver(event)).rejects.toThrow(
      /HTTP 403/,
    );
    // A signed request whose body was changed on the way.
    const tampering = new AppSyncEventsPublisher({
      endpoint: `${base}${PUBLISH_PATH}`,
      region: 'local',
      credentials: () => CREDENTIALS,
      fetch: (url, init) => fetch(url, { ...init, body: String(init?.body).replace('PAID', 'FAILED') }),
    });
    await expect(tampering.deliver(event)).rejects.toThrow(/HTTP 403/);
  });

  it('stops pushing to a subscription once unsubscribed', async () => {
    const client = await connect();
    const event = paidEvent();
    await client.subscribe('s', channelOf(event.data.order.appTransId), auth());
    const done = client.next('unsubscribe_success', 's');
    client.send({ type: 'unsubscribe', id: 's' });
    await done;
    await publisher().deliver(event);
    // A second subscriber shows the publish went out; the first got nothing.
    const witness = await connect();
    await witness.subscribe('w', channelOf(event.data.order.appTransId), auth());
    await publisher().deliver(event);
    await waitFor(() => witness.events('w').length === 1, { what: 'the witness push' });
    expect(client.events('s')).toEqual([]);
  });
});
