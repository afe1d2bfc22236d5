import * as z from 'zod/mini';
import { parseZaloPayJson } from './json';
import { type RedirectParams, verifyCallbackMac, verifyRedirectChecksum } from './mac';
import type { CallbackData, ZaloPayCredentials } from './types';

/** Why a callback is refused (all answered with return_code -1: ZaloPay must not retry them). */
export type CallbackRejection = 'malformed' | 'bad-mac' | 'wrong-app' | 'wrong-type';

export type CallbackVerification =
  | { ok: true; data: CallbackData }
  | { ok: false; reason: CallbackRejection };

const envelope = z.object({ data: z.string().check(z.minLength(2)), mac: z.string(), type: z.int() });

const int = z.int();
const dataSchema = z.object({
  app_id: int,
  app_trans_id: z.string().check(z.minLength(1), z.maxLength(40)),
  app_time: int,
  app_user: z.string(),
  amount: z.int().check(z.nonnegative()),
  embed_data: z.string(),
  item: z.string(),
  zp_trans_id: z.string().check(z.regex(/^\d{1,20}$/)),
  server_time: int,
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
    return { ok: false, reason: 'malformed' };
  }
  const parsed = dataSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const d = parsed.data;
  if (d.app_id !== credentials.appId) return { ok: false, reason: 'wrong-app' };
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
