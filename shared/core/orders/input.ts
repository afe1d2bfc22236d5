import * as z from 'zod/mini';
import { type AppConfig, isHttpUrl } from '../config';
import { described } from '../schemas';
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
    .int({
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : typeof issue.input === 'number'
            ? 'must be an integer'
            : 'must be a number',
    })
    .check(z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`));

const item = described(
  z.strictObject({
    id: z.optional(described(text(50), { description: 'Your id for the item.', examples: ['cf'] })),
    name: described(text(100), { description: 'Shown to the buyer.', examples: ['Cà phê sữa đá'] }),
    price: described(integer(0, Number.MAX_SAFE_INTEGER), {
      description: 'Unit price, VND.',
      examples: [25_000],
    }),
    quantity: integer(1, 100_000),
  }),
  { description: 'A line of the order; sent to ZaloPay in its `item` field.' },
);

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
 * top level and in items, whose strict schemas refuse every unknown key. A transform, so that the
 * API document describes the record it leads to (zod documents a pipe's input by its output then).
 */
const withoutProtoKey = z.transform((value: unknown, ctx) => {
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
    ctx.issues.push({ code: 'custom', path: ['__proto__'], message: 'is not an allowed key', input: value });
  }
  return value;
});

/**
 * The `POST /orders` body schema for this deployment's limits (docs/http-api.md). Unknown fields are
 * refused; the items must add up to the amount and fit ZaloPay's 2048-character `item` field.
 */
export const newOrderSchema = (
  config: Pick<AppConfig, 'amountMin' | 'amountMax' | 'returnUrlOrigins'>,
): z.ZodMiniType<NewOrder> =>
  described(
    z
      .strictObject({
        amount: described(integer(config.amountMin, config.amountMax), {
          description: `VND, a whole number from ${config.amountMin} to ${config.amountMax} (AMOUNT_MIN, AMOUNT_MAX).`,
          examples: [50_000],
        }),
        description: z.optional(
          described(text(256), {
            description: 'Shown to the buyer by ZaloPay. Default: `Thanh toán đơn hàng {appTransId}`.',
            examples: ['Đơn hàng #42'],
          }),
        ),
        appUser: z.optional(
          described(text(50), {
            description: "ZaloPay's payer identifier. Default: MERCHANT_NAME.",
            examples: ['khach-42'],
          }),
        ),
        items: z.optional(
          described(z.array(item).check(z.maxLength(100, 'must have at most 100 items')), {
            description:
              "`price × quantity` must add up to `amount`, and the items must fit ZaloPay's " +
              `${ZALOPAY_ITEM_JSON_MAX}-character \`item\` field.`,
          }),
        ),
        returnUrl: z.optional(
          described(
            z.string().check(
              z.maxLength(2048, 'must be at most 2048 characters'),
              z.refine(isHttpUrl, 'must be an http(s) URL'),
              z.refine(
                (u) => !isHttpUrl(u) || config.returnUrlOrigins.includes(new URL(u).origin),
                `must be on ${config.returnUrlOrigins.join(' or ')}; RETURN_URL_ORIGINS allows other origins`,
              ),
            ),
            {
              description: `Where the buyer lands after paying: an http(s) URL on ${config.returnUrlOrigins.join(
                ', ',
              )} (RETURN_URL_ORIGINS). Default: our /result page.`,
              format: 'uri',
              examples: ['https://shop.example/thanks'],
            },
          ),
        ),
        bankCode: z.optional(
          described(
            z
              .string()
              .check(z.regex(/^[A-Za-z0-9_]{0,20}$/, 'must be up to 20 letters, digits or underscores')),
            { description: 'Default `zalopayapp`: the QR flow.', examples: ['zalopayapp'] },
          ),
        ),
        expireDurationSeconds: z.optional(
          described(integer(300, 86_400), {
            description: "How long the buyer has to pay. Default 900 (ZaloPay's own 15 minutes).",
            examples: [900],
          }),
        ),
        metadata: z.optional(
          described(
            z.pipe(
              withoutProtoKey,
              metadata.check(
                z.refine(
                  (m) => JSON.stringify(m).length <= METADATA_JSON_MAX,
                  `must be at most ${METADATA_JSON_MAX} bytes of JSON`,
                ),
              ),
            ),
            {
              description:
                `A flat object, at most ${METADATA_JSON_MAX} characters of JSON; numbers are safe integers or ` +
                'fractions between 1e-130 and 1e125 in size, so that they are stored exactly. Kept with our ' +
                'order only, never sent to ZaloPay.',
              examples: [{ cartId: 'c-42' }],
            },
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
      ),
    {
      description:
        'A new order. Text is NFC-normalised before it is counted, stored, signed and sent; control ' +
        'characters and unknown fields are refused.',
    },
  );

/** ZaloPay takes a refund description of at most 100 characters (docs/zalopay-protocol.md §8.1). */
const REFUND_DESCRIPTION_MAX = 100;

/** A `POST /orders/{appTransId}/refunds` body (docs/http-api.md §5): VND, and an optional reason. */
export const newRefundSchema = z.strictObject({
  amount: integer(1, Number.MAX_SAFE_INTEGER),
  description: z.optional(text(REFUND_DESCRIPTION_MAX)),
});
