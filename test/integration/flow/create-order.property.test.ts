import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { http, useLocalApp } from '../../support/app';

/**
 * `POST /orders` under random JSON (docs/http-api.md §1 and §2): every answer is a 201 or one of
 * the documented 4xx, never a 5xx, and a 4xx leaves nothing in the table.
 */

let writes = 0;
/** Counts every write the stores send to DynamoDB. */
const countingWrites = (client: DynamoDBDocumentClient): DynamoDBDocumentClient =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        if (/^(Put|Update|Delete)/.test(command.constructor.name)) writes++;
        return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
      };
    },
  });

const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600' }, { wrapDynamo: countingWrites });
const api = http(() => app().url);

/** A JSON object text from entries, so that keys like `__proto__` really are in it. */
const objectText = (entries: [string, string][]): string =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;

const KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'cartId',
  '',
  'k'.repeat(65),
];
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  fc.json({ maxDepth: 2 }).map((j) => JSON.parse(j)),
);
const entry = (keys: fc.Arbitrary<string>) =>
  fc.tuple(keys, value).map(([k, v]) => [k, JSON.stringify(v) ?? 'null'] as [string, string]);

/** Mostly a valid value, sometimes anything. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: valid }, value);

const metadata = fc.oneof(
  fc
    .dictionary(fc.string({ minLength: 1, maxLength: 10 }), scalar, { maxKeys: 4 })
    .map((m) => JSON.stringify(m)),
  fc
    .array(entry(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 10 }))), { maxLength: 6 })
    .map(objectText),
);
const item = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ name: 'Cà phê', price: 1_000, quantity: 2 }) },
  fc.record(
    {
      name: fc.string({ maxLength: 20 }),
      price: fc.integer({ min: -1, max: 60_000 }),
      quantity: fc.integer({ min: 0, max: 3 }),
    },
    { requiredKeys: [] },
  ),
);
/** Stands for the app's own origin in a generated body (the app's port is known only at run time). */
const OWN = '@ORIGIN@';
/** A body that should be accepted: the side of the property that must answer 201. */
const validOrder = fc
  .tuple(
    fc.record(
      {
        amount: fc.integer({ min: 1_000, max: 60_000 }),
        description: fc.string({ minLength: 1, maxLength: 50 }),
        appUser: fc.string({ minLength: 1, maxLength: 50 }),
        returnUrl: fc.constant(`${OWN}/thanks`),
        bankCode: fc.constantFrom('zalopayapp', 'CC'),
        expireDurationSeconds: fc.integer({ min: 300, max: 86_400 }),
        metadata: fc.dictionary(fc.constantFrom('constructor', 'toString', 'cartId', 'a'), scalar, {
          maxKeys: 4,
        }),
      },
      { requiredKeys: ['amount'] },
    ),
  )
  .map(([fields]) => JSON.stringify(fields));
/** Fields of any kind, unknown ones and `__proto__` included. */
const anyOrder = fc
  .tuple(
    fc.record(
      {
        amount: mostly(fc.integer({ min: 1_000, max: 60_000 })),
        description: mostly(fc.string({ minLength: 1, maxLength: 300 })),
        appUser: mostly(fc.string({ minLength: 1, maxLength: 60 })),
        items: fc.array(item, { maxLength: 2 }),
        returnUrl: fc.oneof(
          fc.constant(`${OWN}/x`),
          fc.webUrl(),
          fc.constant('javascript:alert(1)'),
          fc.string(),
        ),
        bankCode: mostly(fc.constantFrom('zalopayapp', '', 'CC', 'bank code!')),
        expireDurationSeconds: mostly(fc.integer({ min: 200, max: 100_000 })),
      },
      { requiredKeys: [] },
    ),
    fc.option(metadata),
    fc.option(fc.constantFrom<[string, string]>(['__proto__', '{"admin":true}'], ['extra', '1'])),
  )
  .map(([fields, meta, unknown]) =>
    objectText([
      ...Object.entries(fields).map(([k, v]) => [k, JSON.stringify(v) ?? 'null'] as [string, string]),
      ...(meta === null ? [] : [['metadata', meta] as [string, string]]),
      ...(unknown === null ? [] : [unknown]),
    ]),
  );
const body = fc.oneof(
  { weight: 3, arbitrary: validOrder },
  { weight: 4, arbitrary: anyOrder },
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 50 }),
);

/** The 4xx a `POST /orders` may answer, by code. */
const DOCUMENTED_4XX: Record<string, number> = {
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
};

describe('POST /orders under random JSON', () => {
  it('answers 201 or a documented 4xx, never a 5xx, and stores nothing on a 4xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = writes;

        const res = await api.post('/orders', text.replaceAll(OWN, app().url));

        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) {
          expect(res.body).toMatchObject({ status: 'PENDING', appTransId: expect.any(String) });
          return;
        }
        expect(res.status).toBe(DOCUMENTED_4XX[res.body?.error?.code]);
        expect(writes).toBe(before);
      }),
      { numRuns: 120 },
    );
    // The generator reaches both sides, or the property says little.
    expect(Object.fromEntries(statuses)).toMatchObject({ 201: expect.any(Number), 400: expect.any(Number) });
  }, 120_000);
});
