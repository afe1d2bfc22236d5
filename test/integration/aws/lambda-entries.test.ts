import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { jest } from '@jest/globals';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type EmulatorServer, startEmulatorServer } from '../../../local/emulator';
import { lambdaContext } from '../../../local/server';
import { AWS_ENV } from '../../../shared/adapters/aws/settings';
import { DynamoOrderStore } from '../../../shared/adapters/dynamodb/order-store';
import { useLocalDynamo } from '../../support/dynamo';
import { SANDBOX } from '../../support/sandbox';
import { signedCallback } from '../../support/zalopay';

/**
 * The Lambda composition roots of functions/aws/ as Lambda runs them: the real entry modules,
 * configured by environment like the stack configures them, against dynalite and the ZaloPay
 * emulator; Secrets Manager and EventBridge Scheduler (no local implementation) are mocked.
 */
const secrets = mockClient(SecretsManagerClient);
const scheduler = mockClient(SchedulerClient);
const dynamo = useLocalDynamo();

const MERCHANT_API_KEY = 'generated-by-secrets-manager-40-characters';
const SECRET = {
  appId: SANDBOX.appId,
  key1: SANDBOX.key1,
  key2: SANDBOX.key2,
  merchantApiKey: MERCHANT_API_KEY,
};
const SECRET_ARN = 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:zalopay-AbCdEf';
const STATUS_CHECK_ARN = 'arn:aws:lambda:ap-southeast-1:123456789012:function:zalopay-qr-StatusCheck-x1';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/zalopay-qr-SchedulerRole-x1';
const DLQ_ARN = 'arn:aws:sqs:ap-southeast-1:123456789012:zalopay-qr-DeliveryDeadLetters-x1';
const NEW_KEY2 = 'RotatedKey2RotatedKey2RotatedKe2';

/** Fake timers that only move the clock: sockets, dynalite and the emulator keep real timers. */
const TIMERS = [
  'nextTick',
  'setImmediate',
  'clearImmediate',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'queueMicrotask',
  'hrtime',
  'performance',
] as const;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const handlers: Record<string, Handler> = {};
let zalopay: EmulatorServer;
let output: string[] = [];
const everything: string[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  zalopay = await startEmulatorServer({ apps: [SANDBOX], callbackRetryDelayMs: 1 });
  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo().endpoint,
    LOG_LEVEL: 'DEBUG',
    POWERTOOLS_SERVICE_NAME: 'zalopay-qr-test',
    POWERTOOLS_METRICS_NAMESPACE: 'ZaloPayQR',
    PUBLIC_BASE_URL: 'https://api.example.com',
    ZALOPAY_API_BASE: zalopay.url,
    ZALOPAY_CALLBACK_URL: 'https://callback.example.com/',
    [AWS_ENV.tableName]: dynamo().tableName,
    [AWS_ENV.secretArn]: SECRET_ARN,
    [AWS_ENV.scheduleGroup]: 'zalopay-qr-checks',
    [AWS_ENV.schedulerRoleArn]: ROLE_ARN,
    [AWS_ENV.deadLetterArn]: DLQ_ARN,
    [AWS_ENV.statusCheckArn]: STATUS_CHECK_ARN,
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SECRET) });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
  const capture = (chunk: string | Uint8Array) => {
    output.push(String(chunk));
    everything.push(String(chunk));
    return true;
  };
  // Powertools writes logs and EMF metrics there: what this test reads is what CloudWatch gets.
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const name of ['create-order', 'get-order', 'order-history', 'callback', 'status-check']) {
    handlers[name] = (await import(`../../../functions/aws/${name}.ts`)).handler;
  }
});
afterAll(async () => {
  jest.restoreAllMocks();
  process.env = savedEnv;
  await zalopay.close();
});

const context = (functionName: string, invokedFunctionArn?: string): Context => ({
  ...lambdaContext(`req-${functionName}`, functionName),
  ...(invokedFunctionArn && { invokedFunctionArn }),
});
const http = (method: string, rawPath: string, extra: Partial<APIGatewayProxyEventV2> = {}) =>
  ({
    version: '2.0',
    routeKey: `${method} ${rawPath}`,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method, path: rawPath }, requestId: 'r-1' },
    isBase64Encoded: false,
    ...extra,
  }) as APIGatewayProxyEventV2;
const call = async (name: string, event: unknown, ctx = context(name)) =>
  (await handlers[name]!(event, ctx)) as APIGatewayProxyStructuredResultV2;

const createOrder = async (amount = 50_000): Promise<string> => {
  const res = await call('create-order', http('POST', '/orders', { body: JSON.stringify({ amount }) }));
  expect(res.statusCode).toBe(201);
  return JSON.parse(res.body!).appTransId;
};
const store = () => new DynamoOrderStore(dynamo());
const emfLines = () =>
  output
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));

describe('the Lambda entry points, composed as on AWS', () => {
  it('create-order: creates at ZaloPay with the secret’s keys and schedules the first check on status-check', async () => {
    const appTransId = await createOrder();

    expect((await store().get(appTransId))?.status).toBe('PENDING');
    const calls = scheduler.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      Name: `zp-${appTransId}-1`,
      GroupName: 'zalopay-qr-checks',
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: STATUS_CHECK_ARN,
        RoleArn: ROLE_ARN,
        DeadLetterConfig: { Arn: DLQ_ARN },
        Input: JSON.stringify({ appTransId, attempt: 1 }),
      },
    });
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET_ARN });
  });

  it('callback: verifies with key2 from the secret, settles the order, publishes the metrics', async () => {
    const appTransId = await createOrder(20_000);
    await zalopay.emulator.pay(appTransId, { callback: 'lost' });
    output = [];

    const res = await call(
      'callback',
      http('POST', '/', { body: JSON.stringify(signedCallback({ appTransId, amount: 20_000 })) }),
    );

    expect(JSON.parse(res.body!)).toEqual({ return_code: 1, return_message: 'success' });
    expect((await store().get(appTransId))?.status).toBe('PAID');
    const [emf] = emfLines();
    expect(emf).toMatchObject({ service: 'zalopay-qr-test', CallbackAccepted: 1, OrderPaid: 1 });
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('ZaloPayQR');
    const view = await call(
      'get-order',
      http('GET', `/orders/${appTransId}`, { pathParameters: { appTransId } }),
    );
    expect(JSON.parse(view.body!)).toMatchObject({ appTransId, status: 'PAID', settledBy: 'callback' });
  });

  it('reads that publish nothing write no metrics line', async () => {
    output = [];
    const res = await call(
      'get-order',
      http('GET', '/orders/250101_none', { pathParameters: { appTransId: '250101_none' } }),
    );
    expect(res.statusCode).toBe(404);
    expect(emfLines()).toEqual([]);
    expect(output.join('')).not.toContain('No application metrics');
  });

  it('merchant routes take the merchant API key from the secret', async () => {
    const appTransId = await createOrder();
    const history = (key: string) =>
      call(
        'order-history',
        http('GET', `/orders/${appTransId}/history`, {
          pathParameters: { appTransId },
          headers: { 'x-api-key': key },
        }),
      );
    expect((await history(MERCHANT_API_KEY)).statusCode).toBe(200);
    expect((await history('dev-merchant-key')).statusCode).toBe(401);
  });

  it('status-check schedules its follow-up on itself, the ARN it was invoked by, unqualified', async () => {
    const appTransId = await createOrder();
    scheduler.resetHistory();
    const self = 'arn:aws:lambda:ap-southeast-1:123456789012:function:zalopay-qr-sandbox-StatusCheck7B1F-Zx9';

    await handlers['status-check']!({ appTransId, attempt: 1 }, context('status-check', `${self}:$LATEST`));

    const [follow] = scheduler.commandCalls(CreateScheduleCommand);
    expect(follow!.args[0].input).toMatchObject({
      Name: `zp-${appTransId}-2`,
      Target: { Arn: self, RoleArn: ROLE_ARN, Input: JSON.stringify({ appTransId, attempt: 2 }) },
    });
  });

  it('reads the secret once, then serves it from the cache', () => {
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  describe('a rotated key2 (Secrets Manager updated, previous key2 kept)', () => {
    const callback = async (amount: number, key2: string) => {
      const appTransId = await createOrder(amount);
      const body = JSON.stringify(signedCallback({ appTransId, amount }, key2));
      return JSON.parse((await call('callback', http('POST', '/', { body }))).body!).return_code;
    };
    beforeAll(() => {
      secrets.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ ...SECRET, key2: NEW_KEY2, key2Previous: SANDBOX.key2 }),
      });
    });
    afterAll(() => jest.useRealTimers());

    it('is not seen while the cached secret is younger than its max age', async () => {
      expect(await callback(29_000, NEW_KEY2)).toBe(-1);
      expect(await callback(29_500, SANDBOX.key2)).toBe(1);
    });

    it('is picked up once it is older; the previous key2 still verifies, a forged one does not', async () => {
      // Only the clock moves: the cache's five minutes pass, nothing else is faked.
      jest.useFakeTimers({ doNotFake: [...TIMERS] });
      jest.setSystemTime(Date.now() + 301_000);
      expect(await callback(30_000, NEW_KEY2)).toBe(1);
      expect(await callback(31_000, SANDBOX.key2)).toBe(1);
      expect(await callback(32_000, 'ForgedKey2ForgedKey2ForgedKey2Fo')).toBe(-1);
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });
  });

  describe('a secret still holding the placeholders', () => {
    beforeAll(() => {
      secrets.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({
          appId: 0,
          key1: 'REPLACE_ME',
          key2: 'REPLACE_ME',
          merchantApiKey: MERCHANT_API_KEY,
        }),
      });
      jest.useFakeTimers({ doNotFake: [...TIMERS] });
      jest.setSystemTime(Date.now() + 900_000);
    });
    afterAll(() => jest.useRealTimers());

    it('fails the callback with 0 (ZaloPay retries) and says which fields, never their values', async () => {
      output = [];
      const body = JSON.stringify(
        signedCallback({ appTransId: '250101_AbCdEfGhIjKlMnOpQrStUv', amount: 1000 }),
      );
      const res = await call('callback', http('POST', '/', { body }));
      expect(JSON.parse(res.body!).return_code).toBe(0);
      const logged = output.join('');
      expect(logged).toContain('The ZaloPay secret is not usable');
      expect(logged).toMatch(/appId.*key1.*key2/s);
    });
  });

  describe('all along', () => {
    it('never logs a key, the merchant key or a callback payload', () => {
      const logged = everything.join('');
      expect(logged).toContain('callback applied');
      for (const secret of [SANDBOX.key1, SANDBOX.key2, NEW_KEY2, MERCHANT_API_KEY, '"app_trans_id"']) {
        expect(logged).not.toContain(secret);
      }
    });
  });
});
