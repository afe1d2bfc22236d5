import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * The MAC formulas of docs/zalopay-protocol.md §4.1, written again here rather than imported from
 * shared/core/zalopay: the emulator checks the client, so the two must not share a mistake.
 * Every field is the string exactly as received or sent; nothing is normalised.
 */

/** HMAC-SHA256 of the UTF-8 bytes of `input` under `key`, as 64 lowercase hex characters. */
export const hmacHex = (key: string, input: string): string =>
  createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(input, 'utf8')).digest('hex');

/** Constant-time equality of the expected MAC and the one received. */
export const macMatches = (expected: string, received: string): boolean => {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

const join = (...fields: string[]): string => fields.join('|');

/** The signed fields of `/v2/create`, as received. */
export interface CreateSignedFields {
  app_id: string;
  app_trans_id: string;
  app_user: string;
  amount: string;
  app_time: string;
  embed_data: string;
  item: string;
}

/** key1 over `app_id|app_trans_id|app_user|amount|app_time|embed_data|item`. */
export const createMac = (key1: string, f: CreateSignedFields): string =>
  hmacHex(key1, join(f.app_id, f.app_trans_id, f.app_user, f.amount, f.app_time, f.embed_data, f.item));

/** key1 over `app_id|app_trans_id|key1`. */
export const queryMac = (key1: string, appId: string, appTransId: string): string =>
  hmacHex(key1, join(appId, appTransId, key1));

/** The signed fields of `/v2/refund`, as received. */
export interface RefundSignedFields {
  app_id: string;
  zp_trans_id: string;
  amount: string;
  refund_fee_amount?: string | undefined;
  description: string;
  timestamp: string;
}

/** key1 over `app_id|zp_trans_id|amount[|refund_fee_amount]|description|timestamp`. */
export const refundMac = (key1: string, f: RefundSignedFields): string =>
  hmacHex(
    key1,
    f.refund_fee_amount === undefined
      ? join(f.app_id, f.zp_trans_id, f.amount, f.description, f.timestamp)
      : join(f.app_id, f.zp_trans_id, f.amount, f.refund_fee_amount, f.description, f.timestamp),
  );

/** key1 over `app_id|m_refund_id|timestamp`. */
export const queryRefundMac = (key1: string, appId: string, mRefundId: string, timestamp: string): string =>
  hmacHex(key1, join(appId, mRefundId, timestamp));

/** The redirect query-string values (v1 names, as in both API versions). */
export interface RedirectFields {
  appid: string;
  apptransid: string;
  pmcid: string;
  bankcode: string;
  amount: string;
  discountamount: string;
  status: string;
}

/** key2 over `appid|apptransid|pmcid|bankcode|amount|discountamount|status`. */
export const redirectChecksum = (key2: string, f: RedirectFields): string =>
  hmacHex(key2, join(f.appid, f.apptransid, f.pmcid, f.bankcode, f.amount, f.discountamount, f.status));

/** key2 over the callback's `data` string. */
export const callbackMac = (key2: string, data: string): string => hmacHex(key2, data);
