import * as z from 'zod/mini';
import { type AppConfig, isHttpUrl } from '../config';
import { type NewOrder, zaloPayItems } from './create';

/** Limits ZaloPay puts on what we send (docs/zalopay-protocol.md §3.1). */
const ZALOPAY_ITEM_JSON_MAX = 2048;
const METADATA_JSON_MAX = 2048;

// C0/C1 control characters have no place in text shown to a buyer or signed into a MAC.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;
const text = (max: number) =>
  z.string({ error: required('a string') }).check(
    // Counted and checked in the NFC form that is stored, signed and sent.
    z.normalize('NFC'),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine((s) => !CONTROL.test(s), 'must not contain control characters'),
  );
const integer = (min: number, max: number) =>
  z
    .number({ error: required('a number') })
    .check(
      z.refine(Number.isInteger, 'must be an integer'),
      z.minimum(min, `must be at least ${min}`),
      z.maximum(max, `must be at most ${max}`),
    );

const item = z.strictObject({
  id: z.optional(text(50)),
  name: text(100),
  price: integer(0, Number.MAX_SAFE_INTEGER),
  quantity: integer(1, 100_000),
});

/**
 * A number every store keeps exactly as given: an integer JavaScript holds without rounding, or a
 * fraction within DynamoDB's magnitudes (1e-130 to 1e125); anything else would be rounded or
 * refused by the table after the order was accepted.
 */
const storableNumber = (n: number): boolean =>
  Number.isInteger(n) ? Number.isSafeInteger(n) : Math.abs(n) > 1e-130 && Math.abs(n) < 1e125;

const metadata = z.record(
  z.string().check(z.minLength(1), z.maxLength(64)),
  z.union(
    [
      z.string().check(z.maxLength(512)),
      z
        .number()
        .check(
          z.refine(storableNumber, 'must be a safe integer, or a fraction between 1e-130 and 1e125 in size'),
        ),
      z.boolean(),
      z.null(),
    ],
    {
      error: 'must be a string, number, boolean or null (flat, no nesting)',
    },
  ),
);

/**
 * No `__proto__` key. JSON.parse makes it an own key, but copying the object (zod's record does)
 * sets the copy's prototype instead, so it would vanish without a word: refused, as it is at the
 * top level and in items, whose strict schemas refuse every unknown key.
 */
const withoutProtoKey = z.unknown().check(
  z.superRefine((value, ctx) => {
    if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is not an allowed key', input: value });
    }
  }),
);

/**
 * The `POST /orders` body schema for this deployment's limits (docs/http-api.md). Unknown fields are
 * refused; the items must add up to the amount and fit ZaloPay's 2048-character `item` field.
 */
export const newOrderSchema = (
  config: Pick<AppConfig, 'amountMin' | 'amountMax' | 'returnUrlOrigins'>,
): z.ZodMiniType<NewOrder> =>
  z
    .strictObject({
      amount: integer(config.amountMin, config.amountMax),
      description: z.optional(text(256)),
      appUser: z.optional(text(50)),
      items: z.optional(z.array(item).check(z.maxLength(100, 'must have at most 100 items'))),
      returnUrl: z.optional(
        z.string().check(
          z.maxLength(2048, 'must be at most 2048 characters'),
          z.refine(isHttpUrl, 'must be an http(s) URL'),
          z.refine(
            (u) => !isHttpUrl(u) || config.returnUrlOrigins.includes(new URL(u).origin),
            `must be on ${config.returnUrlOrigins.join(' or ')}; RETURN_URL_ORIGINS allows other origins`,
          ),
        ),
      ),
      bankCode: z.optional(
        z.string().check(z.regex(/^[A-Za-z0-9_]{0,20}$/, 'must be up to 20 letters, digits or underscores')),
      ),
      expireDurationSeconds: z.optional(integer(300, 86_400)),
      metadata: z.optional(
        z.pipe(
          withoutProtoKey,
          metadata.check(
            z.refine(
              (m) => JSON.stringify(m).length <= METADATA_JSON_MAX,
              `must be at most ${METADATA_JSON_MAX} bytes of JSON`,
            ),
          ),
        ),
      ),
    })
    .check(
      z.superRefine((order, ctx) => {
        if (!order.items) return;
        const total = order.items.reduce((sum, i) => sum + i.price * i.quantity, 0);
        if (total !== order.amount) {
          ctx.addIssue({
            code: 'custom',
            path: ['items'],
            message: `items add up to ${total}, but amount is ${order.amount}`,
          });
        }
        const itemJson = JSON.stringify(zaloPayItems(order.items));
        if (itemJson.length > ZALOPAY_ITEM_JSON_MAX) {
          ctx.addIssue({
            code: 'custom',
            path: ['items'],
            message: `items are too long for ZaloPay (${itemJson.length} of ${ZALOPAY_ITEM_JSON_MAX} characters)`,
          });
        }
      }),
    );

/** ZaloPay takes a refund description of at most 100 characters (docs/zalopay-protocol.md §8.1). */
const REFUND_DESCRIPTION_MAX = 100;

/** A `POST /orders/{appTransId}/refunds` body (docs/http-api.md §5): VND, and an optional reason. */
export const newRefundSchema = z.strictObject({
  amount: integer(1, Number.MAX_SAFE_INTEGER),
  description: z.optional(text(REFUND_DESCRIPTION_MAX)),
});
