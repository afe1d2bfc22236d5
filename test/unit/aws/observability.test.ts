import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { jest } from '@jest/globals';
import middy from '@middy/core';
import { metricsPort, observe, redactSecrets } from '../../../functions/aws/lib/observability';
import { lambdaContext } from '../../../local/server';

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => jest.restoreAllMocks());

const json = () => lines.map((line) => JSON.parse(line));

describe('the Powertools logger, as the functions configure it', () => {
  it('redacts keys, MACs, checksums, credentials and payloads wherever they are, and nothing else', () => {
    const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG', jsonReplacerFn: redactSecrets });
    logger.info('callback', {
      appTransId: '250101_abc',
      credentials: { appId: 2553, key1: 'K1', key2: 'K2', key2Previous: 'K2OLD' },
      request: { headers: { 'X-Api-Key': 'merchant', Authorization: 'Bearer t' }, body: '{"amount":1}' },
      callback: { data: '{"app_trans_id":"x"}', mac: 'abc123', type: 1 },
      redirect: { checksum: 'def456' },
      merchantApiKey: 'M',
    });
    const [entry] = json();
    expect(entry).toMatchObject({
      message: 'callback',
      appTransId: '250101_abc',
      credentials: { appId: 2553, key1: '[REDACTED]', key2: '[REDACTED]', key2Previous: '[REDACTED]' },
      request: { headers: { 'X-Api-Key': '[REDACTED]', Authorization: '[REDACTED]' }, body: '[REDACTED]' },
      callback: { data: '[REDACTED]', mac: '[REDACTED]', type: 1 },
      redirect: { checksum: '[REDACTED]' },
      merchantApiKey: '[REDACTED]',
    });
  });
});

describe('the Lambda wrapper', () => {
  const wrapped = (inner: (count: (n: number) => void) => Promise<unknown>) => {
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'svc' });
    const port = metricsPort(metrics);
    const logger = new Logger({ serviceName: 'svc', logLevel: 'SILENT' });
    const handler = middy(() => inner((n) => port.count('SweptOrders', n)));
    return observe({ logger, metrics })(handler);
  };
  const emf = () => json().filter((l) => l._aws);

  it('publishes what an invocation counted, as EMF counts', async () => {
    await wrapped(async (count) => {
      count(3);
      return 'ok';
    })({}, lambdaContext('r-1'));
    expect(emf()).toEqual([
      expect.objectContaining({
        service: 'svc',
        SweptOrders: 3,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            {
              Namespace: 'Test',
              Dimensions: [['service']],
              Metrics: [{ Name: 'SweptOrders', Unit: 'Count' }],
            },
          ],
        }),
      }),
    ]);
  });

  it('rethrows a failure (Lambda retries it) after publishing what was counted', async () => {
    const failing = wrapped(async (count) => {
      count(1);
      throw new Error('DynamoDB unavailable');
    });
    await expect(failing({}, lambdaContext('r-2'))).rejects.toThrow('DynamoDB unavailable');
    expect(emf()).toHaveLength(1);
  });

  it('without metrics (a function that counts nothing) answers as the handler does and prints nothing', async () => {
    const logger = new Logger({ serviceName: 'svc', logLevel: 'SILENT' });
    const handler = observe({ logger })(middy(async () => 'ok'));
    expect(await handler({}, lambdaContext('r-4'))).toBe('ok');
    expect(lines).toEqual([]);
  });

  it('publishes nothing, and warns nothing, when nothing was counted', async () => {
    await wrapped(async () => 'ok')({}, lambdaContext('r-3'));
    expect(lines).toEqual([]);
  });
});
