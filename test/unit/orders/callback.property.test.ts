import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { makeHandler } from '../../../functions/callback';
import { callbackMac } from '../../../shared/core/zalopay/mac';
import { inMemoryWorld } from '../../support/memory';
import { anOrder, at, T0 } from '../../support/orders';
import { SANDBOX } from '../../support/sandbox';
import { signedCallback } from '../../support/zalopay';

/**
 * The callback under random bodies (docs/http-api.md §4): unless its MAC is valid under our key2,
 * whatever arrives is answered -1 and nothing is read or written.
 */

const ID = anOrder().appTransId;
const genuine = signedCallback({
  appTransId: ID,
  amount: 50_000,
  appTime: T0.getTime(),
  serverTime: at(100).getTime(),
});

/** Changes one character of `text` at `position` (modulo its length) to `char`, if that changes it. */
const mutate = (text: string, position: number, char: string): string => {
  const i = position % text.length;
  return text.slice(0, i) + char + text.slice(i + 1);
};

const bodies: fc.Arbitrary<string> = fc.oneof(
  // Anything at all.
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  // Shaped like a callback, with data and mac of any kind.
  fc
    .record(
      {
        data: fc.oneof(fc.string(), fc.json()),
        mac: fc.oneof(
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
          fc.string(),
        ),
        type: fc.integer(),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  // ZaloPay's genuine callback with one character of data or mac changed, or signed with another key.
  fc
    .tuple(fc.nat(), fc.constantFrom(...'0123456789abcdef{}":,x '), fc.boolean())
    .map(([at, char, inData]) =>
      JSON.stringify(
        inData
          ? { ...genuine, data: mutate(genuine.data, at, char) }
          : { ...genuine, mac: mutate(genuine.mac, at, char) },
      ),
    ),
  fc.string({ minLength: 1, maxLength: 32 }).map((key) => {
    const forged = signedCallback({ appTransId: ID, amount: 50_000 }, `not-${key}`);
    return JSON.stringify(forged);
  }),
);

describe('the callback under random bodies', () => {
  it('answers -1 and touches nothing unless the MAC is valid under key2', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (raw) => {
        const world = inMemoryWorld(at(120));
        world.store.put(anOrder());
        const handler = makeHandler(world.deps);
        const event = { body: raw, isBase64Encoded: false } as APIGatewayProxyEventV2;

        const result = (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;

        const answer = JSON.parse(String(result.body)) as { return_code: number };
        let body: { data?: unknown; mac?: unknown; type?: unknown } | undefined;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        const signed =
          typeof body?.data === 'string' &&
          typeof body.mac === 'string' &&
          callbackMac(SANDBOX.key2, body.data) === body.mac;
        // The mutations may happen to leave the body as ZaloPay signed it.
        fc.pre(!signed);
        expect(result.statusCode).toBe(200);
        expect(answer.return_code).toBe(-1);
        expect(world.store.calls).toEqual([]);
        expect(world.store.peek(ID)).toEqual(anOrder());
      }),
      { numRuns: 300 },
    );
  });
});
