import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * ZaloPay MAC formulas (docs/zalopay-protocol.md §4.1): HMAC-SHA256 over `|`-joined fields, lowercase hex.
 * Every text field is NFC-normalised first, because NFC and NFD spellings of the same Vietnamese
 * text give different bytes and so different MACs; the caller must send the normalised text.
 */

/** HMAC-SHA256 of the UTF-8 bytes of `input` under `key`, as 64 lowercase hex characters. */
export const hmacHex = (key: string, input: string): string =>
  createHmac('sha256', key).update(input, 'utf8').digest('hex');

const join = (fields: ReadonlyArray<string | number>): string =>
  fields.map((f) => (typeof f === 'number' ? integer(f) : f)).join('|');

/** Plain decimal, never `1e21` or `50000.0`: a MAC over a float spelling is always wrong. */
const integer = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`MAC field must be a safe integer, got ${n}`);
  return n.toString(10);
};

/** NFC form of a text field, the only spelling we sign and send. */
export const nfc = (text: string): string => text.normalize('NFC');

export interface CreateMacInput {
  appId: number;
  appTransId: string;
  appUser: string;
  amount: number;
  appTime: number;
  /** The exact `embed_data` string that is transmitted. */
  embedData: string;
  /** The exact `item` string that is transmitted. */
  item: string;
}

/** `app_id|app_trans_id|app_user|amount|app_time|embed_data|item` with key1. */
export const createOrderMac = (key1: string, o: CreateMacInput): string =>
  hmacHex(key1, join([o.appId, o.appTransId, o.appUser, o.amount, o.appTime, o.embedData, o.item]));

/** `app_id|app_trans_id|key1` with key1: the key itself is the last field. */
export const queryOrderMac = (key1: string, appId: number, appTransId: string): string =>
  hmacHex(key1, join([appId, appTransId, key1]));

export interface RefundMacInput {
  appId: number;
  zpTransId: string;
  amount: number;
  refundFeeAmount?: number;
  description: string;
  timestamp: number;
}

/** `app_id|zp_trans_id|amount[|refund_fee_amount]|description|timestamp` with key1. */
export const refundMac = (key1: string, r: RefundMacInput): string =>
  hmacHex(
    key1,
    join(
      r.refundFeeAmount === undefined
        ? [r.appId, r.zpTransId, r.amount, r.description, r.timestamp]
        : [r.appId, r.zpTransId, r.amount, r.refundFeeAmount, r.description, r.timestamp],
    ),
  );

/** `app_id|m_refund_id|timestamp` with key1. */
export const queryRefundMac = (key1: string, appId: number, mRefundId: string, timestamp: number): string =>
  hmacHex(key1, join([appId, mRefundId, timestamp]));

/** `appid|reqtime` with key1 (gateway bank list). */
export const bankListMac = (key1: string, appId: number, reqTime: number): string =>
  hmacHex(key1, join([appId, reqTime]));

/** The redirect query-string values after URL-decoding, as strings exactly as received. */
export interface RedirectParams {
  appid: string;
  apptransid: string;
  pmcid: string;
  bankcode: string;
  amount: string;
  discountamount: string;
  status: string;
}

/** `appid|apptransid|pmcid|bankcode|amount|discountamount|status` with key2. */
export const redirectChecksum = (key2: string, p: RedirectParams): string =>
  hmacHex(key2, join([p.appid, p.apptransid, p.pmcid, p.bankcode, p.amount, p.discountamount, p.status]));

/** The callback MAC: key2 over the raw `data` string, byte for byte as received. */
export const callbackMac = (key2: string, data: string): string => hmacHex(key2, data);

/**
 * Constant-time comparison of a received hex MAC with the expected one. Case-insensitive on the
 * received side is not allowed: ZaloPay sends lowercase, and anything else is not its MAC.
 */
export const macEquals = (expected: string, received: unknown): boolean => {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(received, 'utf8'));
};

/** True when `mac` is key2's (or, during a rotation, a previous key2's) MAC of `data`. */
export const verifyCallbackMac = (keys2: readonly string[], data: string, mac: unknown): boolean =>
  keys2.some((key) => macEquals(callbackMac(key, data), mac));

/** True when `checksum` is a valid redirect checksum under any of the given key2 values. */
export const verifyRedirectChecksum = (
  keys2: readonly string[],
  params: RedirectParams,
  checksum: unknown,
): boolean => keys2.some((key) => macEquals(redirectChecksum(key, params), checksum));
