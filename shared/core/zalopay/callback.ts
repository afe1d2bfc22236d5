import * as z from 'zod/mini';
import { described } from '../schemas';
import { ZALOPAY_ID_PATTERN } from './ids';
import { parseZaloPayJson } from './json';
import { type RedirectParams, verifyCallbackMac, verifyRedirectChecksum } from './mac';
import type { CallbackData, ZaloPayCredentials } from './types';

/** Why a callback is refused (all answered with return_code -1: ZaloPay must not retry them). */
export type CallbackRejection = 'malformed' | 'bad-mac' | 'wrong-app' | 'wrong-type';

/**
 * A callback signed with our key2 whose `data` we cannot read as a payment (not JSON, a field
 * missing or of the wrong type, a time no calendar holds): kept for a person, with whatever of it
 * can be read to file it.
 */
export interface UnreadableCallback {
  /** What could not be read, for the person. */
  problem: string;
  /** `app_trans_id`, when it is a usable id ({@link ZALOPAY_ID_PATTERN}). */
  appTransId?: string;
  amount?: number;
  zpTransId?: string;
}

export type CallbackVerification =
  | { ok: true; data: CallbackData }
  /** Verified, but not readable: never refused (the money may have been taken), never retried. */
  | { ok: false; reason: 'unreadable'; unreadable: UnreadableCallback }
  | { ok: false; reason: CallbackRejection };

/**
 * Epoch milliseconds of a plausible moment, 2000 to 2100: a time outside them is a defect (or a
 * forgery with a leaked key), and one outside Date's range cannot even be stored.
 */
const ms = (description: string) =>
  described(z.int().check(z.minimum(Date.UTC(2000, 0, 1)), z.maximum(Date.UTC(2100, 0, 1))), {
    description,
    examples: [1795836066000],
  });

/**
 * The JSON inside a callback's `data` (docs/zalopay-protocol.md §6), read only once the MAC over
 * the raw string has been checked. Unknown fields are ignored: ZaloPay may add some.
 */
export const callbackDataSchema = z.object({
  app_id: described(z.int(), { description: 'Our ZaloPay app id.', examples: [2553] }),
  app_trans_id: described(z.string().check(z.regex(ZALOPAY_ID_PATTERN)), {
    description: 'The order, as created (our appTransId).',
    examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e'],
  }),
  app_time: ms('When the order was created (Unix ms).'),
  app_user: described(z.string(), { description: 'The appUser sent at create.', examples: ['khach-42'] }),
  amount: described(z.int().check(z.nonnegative()), { description: 'VND received.', examples: [50_000] }),
  embed_data: described(z.string(), { description: 'The embed_data sent at create, unchanged.' }),
  item: described(z.string(), { description: 'The item string sent at create, unchanged.' }),
  zp_trans_id: described(z.string().check(z.regex(/^\d{1,20}$/)), {
    description: "ZaloPay's transaction id. A JSON number of 15 digits, kept exact as text.",
    examples: ['261128000000017'],
  }),
  server_time: ms('When ZaloPay processed the payment (Unix ms).'),
  channel: z.optional(described(z.int(), { description: 'The payment channel.', examples: [38] })),
  merchant_user_id: z.optional(
    described(z.string(), { description: 'The payer, as an id scoped to the app.' }),
  ),
  user_fee_amount: z.optional(described(z.int(), { description: 'Fees paid by the buyer (VND).' })),
  discount_amount: z.optional(described(z.int(), { description: 'Discount (VND).' })),
});

/** The body ZaloPay POSTs to our callback (docs/zalopay-protocol.md §6). */
export const callbackBodySchema = described(
  z.object({
    data: described(z.string().check(z.minLength(2)), {
      description:
        'A JSON object as a string, signed as it is: the MAC is checked over these exact characters ' +
        'before they are parsed.',
      contentSchema: callbackDataSchema,
    }),
    mac: described(z.string(), { description: 'HMAC-SHA256(key2, data), lower-case hex.' }),
    type: described(z.int(), {
      description: '1 an order payment (2, a tokenisation agreement, is refused).',
    }),
  }),
  { description: "ZaloPay's callback: `{data, mac, type}`, sent when it has taken the money." },
);

/** The key2 values a callback or redirect may be signed with: the current one, then the one rotated out. */
const callbackKeys = (c: ZaloPayCredentials): string[] =>
  c.key2Previous ? [c.key2, c.key2Previous] : [c.key2];

/**
 * Checks a callback body `{data, mac, type}`: the MAC over the raw `data` string first
 * (constant-time, under key2 or the previous key2), only then parses `data`.
 */
export const verifyCallback = (body: unknown, credentials: ZaloPayCredentials): CallbackVerification => {
  const outer = callbackBodySchema.safeParse(body);
  if (!outer.success) return { ok: false, reason: 'malformed' };
  const { data, mac, type } = outer.data;
  if (!verifyCallbackMac(callbackKeys(credentials), data, mac)) return { ok: false, reason: 'bad-mac' };
  // type 2 is a tokenisation agreement, not an order payment.
  if (type !== 1) return { ok: false, reason: 'wrong-type' };
  let json: unknown;
  try {
    json = parseZaloPayJson(data);
  } catch {
    return unreadable('data is not JSON', undefined);
  }
  const appId = (json as { app_id?: unknown } | null)?.app_id;
  if (Number.isInteger(appId) && appId !== credentials.appId) return { ok: false, reason: 'wrong-app' };
  const parsed = callbackDataSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'data'))];
    return unreadable(`unreadable ${fields.join(', ')}`, json);
  }
  const d = parsed.data;
  return {
    ok: true,
    data: {
      appId: d.app_id,
      appTransId: d.app_trans_id,
      appTime: d.app_time,
      appUser: d.app_user,
      amount: d.amount,
      embedData: d.embed_data,
      item: d.item,
      zpTransId: d.zp_trans_id,
      serverTime: d.server_time,
      channel: d.channel,
      merchantUserId: d.merchant_user_id,
      userFeeAmount: d.user_fee_amount,
      discountAmount: d.discount_amount,
    },
  };
};

/** What can still be read from unreadable data, to file it under the right order. */
const unreadable = (problem: string, json: unknown): CallbackVerification => {
  const fields = (json !== null && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const { app_trans_id: id, amount, zp_trans_id: zpTransId } = fields;
  return {
    ok: false,
    reason: 'unreadable',
    unreadable: {
      problem,
      ...(typeof id === 'string' && ZALOPAY_ID_PATTERN.test(id) && { appTransId: id }),
      ...(Number.isSafeInteger(amount) && (amount as number) >= 0 && { amount: amount as number }),
      ...(typeof zpTransId === 'string' && /^\d{1,20}$/.test(zpTransId) && { zpTransId }),
    },
  };
};

export interface VerifiedRedirect {
  appTransId: string;
  /** ZaloPay's redirect status: 1 success, anything else not. Not proof of payment. */
  status: number;
  amount: number;
  params: RedirectParams;
}

const text = (description: string, example: string) =>
  described(z.string(), { description, examples: [example] });

/**
 * The query string ZaloPay's gateway sends the buyer's browser back with (docs/zalopay-protocol.md
 * §7): every field is required (`bankcode` may be empty), as ZaloPay's text; other parameters are
 * ignored.
 */
export const redirectQuerySchema = z.object({
  appid: text('Our ZaloPay app id.', '2553'),
  apptransid: text('The order (our appTransId).', '261128_4kTq9ZbX2mLp7RvN3sWc0e'),
  pmcid: text('The payment channel.', '38'),
  bankcode: text('Bank code; may be empty.', ''),
  amount: text('The order amount (VND).', '50000'),
  discountamount: text('Discount (VND).', '0'),
  status: text(
    '1 success; anything else is not (-329 a cancellation on the emulator). Not proof of payment: the order is queried.',
    '1',
  ),
  checksum: text('HMAC-SHA256 with key2 over the fields above (docs/zalopay-protocol.md §4).', '9c1f…'),
});

/**
 * Checks the redirect query string: every field present (bankcode may be empty), the checksum
 * valid under key2, our app id. Returns undefined for anything else.
 */
export const verifyRedirect = (
  query: Readonly<Record<string, string | undefined>>,
  credentials: ZaloPayCredentials,
): VerifiedRedirect | undefined => {
  const parsed = redirectQuerySchema.safeParse(query);
  if (!parsed.success) return undefined;
  const { checksum, ...params } = parsed.data;
  if (!verifyRedirectChecksum(callbackKeys(credentials), params, checksum)) return undefined;
  if (params.appid !== String(credentials.appId)) return undefined;
  const status = Number(params.status);
  const amount = Number(params.amount);
  if (!Number.isInteger(status) || !Number.isInteger(amount)) return undefined;
  return { appTransId: params.apptransid, status, amount, params };
};
