/**
 * Handler overhead of create-order and callback: each handler invoked in-process against dynalite
 * and the emulator on loopback, beside the very same DynamoDB and HTTP calls made directly with
 * the SDK and fetch. The ratio of the two is what the handler adds (validation, middy, domain
 * logic, mapping); the aim is ≤ 1.3.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { makeHandler as callbackHandler } from '../functions/callback';
import { makeHandler as createOrderHandler } from '../functions/create-order';
import { startLocalDynamo } from '../local/dynamo';
import { startEmulatorServer } from '../local/emulator';
import { SANDBOX_APP_2553 } from '../local/sandbox';
import { lambdaContext } from '../local/server';
import { DynamoIdempotencyStore } from '../shared/adapters/dynamodb/idempotency-store';
import { DynamoOrderStore, orderPk } from '../shared/adapters/dynamodb/order-store';
import { ZaloPayClient } from '../shared/adapters/zalopay/client';
import { loadConfig } from '../shared/core/config';
import { noMetrics, silentLog } from '../shared/core/observability';
import { checkPolicyOf } from '../shared/core/orders/checks';
import type { Order } from '../shared/core/orders/model';
import { newAppTransId } from '../shared/core/zalopay/ids';
import { createOrderMac } from '../shared/core/zalopay/mac';
import { signedCallback } from '../test/support/zalopay';
import { percentile, timeOnce } from './stats';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 400);
const WARMUP = 40;
/** ZaloPay's public sandbox app, the local runtime's default. */
const APP = SANDBOX_APP_2553;

const dynamo = await startLocalDynamo();
const zalopay = await startEmulatorServer({ apps: [APP], callbackRetryDelayMs: 1 });
const { client: doc, tableName } = dynamo;
const store = new DynamoOrderStore(dynamo);
const config = loadConfig({ PUBLIC_BASE_URL: 'http://127.0.0.1:1', ZALOPAY_API_BASE: zalopay.url });
const deps = {
  store,
  idempotency: new DynamoIdempotencyStore(dynamo),
  zalopay: new ZaloPayClient({ baseUrl: zalopay.url, credentials: async () => APP, timeoutMs: 5000 }),
  // Scheduling is an AWS API call on Lambda and a timer locally: left out of both sides.
  scheduler: { schedule: async () => undefined },
  credentials: async () => APP,
  merchantApiKey: async () => 'unused',
  clock: () => new Date(),
  policy: checkPolicyOf(config),
  log: silentLog,
  metrics: noMetrics,
  config,
};
const createOrder = createOrderHandler(deps);
const callback = callbackHandler(deps);
const context = lambdaContext('bench', 'bench');

const event = (body: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /orders',
    rawPath: '/orders',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/orders' } },
    body,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

/** What create-order does on the wire: put CREATING, ZaloPay create, put PENDING (both conditional). */
const directCreate = async () => {
  const now = new Date();
  const appTransId = newAppTransId(now);
  const order = {
    pk: orderPk(appTransId),
    sk: 'ORDER',
    appTransId,
    status: 'CREATING',
    version: 1,
    amount: 50_000,
    description: `Thanh toán đơn hàng ${appTransId}`,
    appUser: config.merchantName,
    items: [],
    bankCode: 'zalopayapp',
    expireDurationSeconds: 900,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 900_000).toISOString(),
    refundedAmount: 0,
    nextCheck: { attempt: 1, at: new Date(now.getTime() + 1_200_000).toISOString() },
    dueShard: 'DUE#0',
    dueAt: new Date(now.getTime() + 1_200_000).toISOString(),
  };
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: order,
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  const embedData = JSON.stringify({ redirecturl: config.redirectUrl });
  const fields = {
    app_id: String(APP.appId),
    app_trans_id: appTransId,
    app_user: order.appUser,
    app_time: String(now.getTime()),
    amount: '50000',
    expire_duration_seconds: '900',
    description: order.description,
    item: '[]',
    embed_data: embedData,
    bank_code: 'zalopayapp',
    callback_url: config.callbackUrl,
    mac: createOrderMac(APP.key1, {
      appId: APP.appId,
      appTransId,
      appUser: order.appUser,
      amount: 50_000,
      appTime: now.getTime(),
      embedData,
      item: '[]',
    }),
  };
  const answer = (await (
    await fetch(`${zalopay.url}/v2/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
  ).json()) as { return_code: number; order_url: string; zp_trans_token: string; qr_code: string };
  if (answer.return_code !== 1) throw new Error('direct create refused');
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...order,
        status: 'PENDING',
        version: 2,
        orderUrl: answer.order_url,
        zpTransToken: answer.zp_trans_token,
      },
      ConditionExpression: '#s = :s AND #v = :v',
      ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
      ExpressionAttributeValues: { ':s': 'CREATING', ':v': 1 },
    }),
  );
};

/** A PENDING order stored, with the signed callback that pays it (set-up, not timed). */
const pendingOrder = async (): Promise<{ order: Order; body: string }> => {
  const now = new Date();
  const appTransId = newAppTransId(now);
  const order: Order = {
    appTransId,
    status: 'PENDING',
    version: 2,
    amount: 50_000,
    description: 'bench',
    appUser: 'bench',
    items: [],
    bankCode: 'zalopayapp',
    expireDurationSeconds: 900,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 900_000).toISOString(),
    orderUrl: 'https://example/openinapp',
    zpTransToken: 't',
    refundedAmount: 0,
  };
  await store.create(order);
  const body = JSON.stringify(signedCallback({ appTransId, amount: 50_000, zpTransId: 261128000000001 }));
  return { order, body };
};

/** What the callback does on the wire: get the order, put it PAID (conditional), append history. */
const directCallback = async ({ order }: { order: Order }) => {
  const key = { pk: orderPk(order.appTransId), sk: 'ORDER' };
  const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...Item, status: 'PAID', version: 3, zpTransId: '261128000000001' },
      ConditionExpression: '#s = :s AND #v = :v',
      ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
      ExpressionAttributeValues: { ':s': 'PENDING', ':v': 2 },
    }),
  );
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...key, sk: `HISTORY#${new Date().toISOString()}#x`, kind: 'CALLBACK', outcome: 'CHANGED' },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

/** Runs both sides alternately, so drift (GC, JIT, the other core) hits them alike. */
const compare = async (
  name: string,
  prepare: () => Promise<unknown>,
  viaHandler: (input: never) => Promise<unknown>,
  direct: (input: never) => Promise<unknown>,
) => {
  const handlerMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const [a, b] = [await prepare(), await prepare()];
    const h = await timeOnce(() => viaHandler(a as never));
    const d = await timeOnce(() => direct(b as never));
    if (i >= WARMUP) {
      handlerMs.push(h);
      directMs.push(d);
    }
  }
  handlerMs.sort((x, y) => x - y);
  directMs.sort((x, y) => x - y);
  const row = (label: string, ms: number[]) =>
    `  ${label.padEnd(26)} p50 ${percentile(ms, 0.5).toFixed(2).padStart(6)} ms   p99 ${percentile(ms, 0.99).toFixed(2).padStart(6)} ms`;
  console.log(`${name} (${ITERATIONS} runs)`);
  console.log(row('handler', handlerMs));
  console.log(row('same calls made directly', directMs));
  console.log(
    `  ratio                      p50 ${(percentile(handlerMs, 0.5) / percentile(directMs, 0.5)).toFixed(2)}×       p99 ${(percentile(handlerMs, 0.99) / percentile(directMs, 0.99)).toFixed(2)}×`,
  );
};

await compare(
  'create-order: 2 conditional PutItem + ZaloPay /v2/create over HTTP',
  async () => undefined,
  async () => {
    const result = (await createOrder(event('{"amount":50000}') as never, context)) as { statusCode: number };
    if (result.statusCode !== 201) throw new Error(`create-order answered ${result.statusCode}`);
  },
  directCreate,
);

await compare(
  'callback: GetItem + conditional PutItem + history PutItem',
  pendingOrder,
  async ({ body }: { body: string }) => {
    const result = (await callback(event(body), context)) as { body: string };
    if (!result.body.includes('"return_code":1')) throw new Error(`callback answered ${result.body}`);
  },
  directCallback,
);

await zalopay.close();
await dynamo.close();
