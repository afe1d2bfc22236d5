import * as z from 'zod';
import type { AppConfig } from '../config';
import { type NewOrder, zaloPayItems } from './create';

/** Limits ZaloPay puts on what we send (zalopay-api.md §3.1). */
const ZALOPAY_ITEM_JSON_MAX = 2048;
const METADATA_JSON_MAX = 2048;

// C0/C1 control characters have no place in text shown to a buyer or signed into a MAC.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const text = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC'))
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(max, `must be at most ${max} characters`)
        .refine((s) => !CONTROL.test(s), 'must not contain control characters'),
    );
const integer = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const item = z.strictObject({
  id: text(50).optional(),
  name: text(100),
  price: integer(0, Number.MAX_SAFE_INTEGER),
  quantity: integer(1, 100_000),
});

const metadata = z
  .record(
    z.string().min(1).max(64),
    z.union([z.string().max(512), z.number(), z.boolean(), z.null()], {
      error: 'must be a string, number, boolean or null (flat, no nesting)',
    }),
  )
  .refine(
    (m) => JSON.stringify(m).length <= METADATA_JSON_MAX,
    `must be at most ${METADATA_JSON_MAX} bytes of JSON`,
  );

/**
 * The `POST /orders` body schema for this deployment's limits (design.md §3). Unknown fields are
 * refused; the items must add up to the amount and fit ZaloPay's 2048-character `item` field.
 */
export const newOrderSchema = (
  config: Pick<AppConfig, 'amountMin' | 'amountMax' | 'returnUrlOrigins'>,
): z.ZodType<NewOrder> =>
  z
    .strictObject({
      amount: integer(config.amountMin, config.amountMax),
      description: text(256).optional(),
      appUser: text(50).optional(),
      items: z.array(item).max(100, 'must have at most 100 items').optional(),
      returnUrl: z
        .string()
        .max(2048, 'must be at most 2048 characters')
        .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
        .refine(
          (u) => !config.returnUrlOrigins || config.returnUrlOrigins.includes(new URL(u).origin),
          'must point to an allowed origin (RETURN_URL_ORIGINS)',
        )
        .optional(),
      bankCode: z
        .string()
        .regex(/^[A-Za-z0-9_]{0,20}$/, 'must be up to 20 letters, digits or underscores')
        .optional(),
      expireDurationSeconds: integer(300, 86_400).optional(),
      metadata: metadata.optional(),
    })
    .superRefine((order, ctx) => {
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
    });
