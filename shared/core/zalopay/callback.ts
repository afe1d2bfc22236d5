import * as z from 'zod/mini';
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

const envelope = z.object({ data: z.string().check(z.minLength(2)), mac: z.string(), type: z.int() });

const int = z.int();
/**
 * Epoch milliseconds of a plausible moment, 2000 to 2100: a time outside them is a defect (or a
 * forgery with a leaked key), and one outside Date's range cannot even be stored.
 */
const time = z.int().check(z.minimum(Date.UTC(2000, 0, 1)), z.maximum(Date.UTC(2100, 0, 1)));
const dataSchema = z.object({
  app_id: int,
  app_trans_id: z.string().check(z.regex(ZALOPAY_ID_PATTERN)),
  app_time: time,
  app_user: z.string(),
  amount: z.int().check(z.nonnegative()),
  embed_data: z.string(),
  item: z.string(),
  zp_trans_id: z.string().check(z.regex(/^\d{1,20}$/)),
  server_time: time,
  channel: z.optional(int),
  merchant_user_id: z.optional(z.string()),
  user_fee_amount: z.optional(int),
  discount_amount: z.optional(int),
});

/** The key2 values a callback or redirect may be signed with: the current one, then the one rotated out. */
const callbackKeys = (c: ZaloPayCredentials): string[] =>
  c.key2Previous ? [c.key2, c.key2Previous] : [c.key2];

/**
 * Checks a callback body `{data, mac, type}`: the MAC over the raw `data` string first
 * (constant-time, under key2 or the previous key2), only then parses `data`.
 */
export const verifyCallback = (body: unknown, credentials: ZaloPayCredentials): CallbackVerification => {
  const outer = envelope.safeParse(body);
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
  const parsed = dataSchema.safeParse(json);
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

const REDIRECT_FIELDS = [
  'appid',
  'apptransid',
  'pmcid',
  'bankcode',
  'amount',
  'discountamount',
  'status',
] as const;

/**
 * Checks the redirect query string: every field present (bankcode may be empty), the checksum
 * valid under key2, our app id. Returns undefined for anything else.
 */
export const verifyRedirect = (
  query: Readonly<Record<string, string | undefined>>,
  credentials: ZaloPayCredentials,
): VerifiedRedirect | undefined => {
  const values: Partial<Record<(typeof REDIRECT_FIELDS)[number], string>> = {};
  for (const field of REDIRECT_FIELDS) {
    const value = query[field];
    if (value === undefined) return undefined;
    values[field] = value;
  }
  const params = values as RedirectParams;
  if (!verifyRedirectChecksum(callbackKeys(credentials), params, query.checksum)) return undefined;
  if (params.appid !== String(credentials.appId)) return undefined;
  const status = Number(params.status);
  const amount = Number(params.amount);
  if (!Number.isInteger(status) || !Number.isInteger(amount)) return undefined;
  return { appTransId: params.apptransid, status, amount, params };
};
