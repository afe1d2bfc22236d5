import { randomBytes } from 'node:crypto';

/** Vietnam has no daylight saving: GMT+7 all year. */
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

/** `yymmdd` of the calendar date in Vietnam (GMT+7) at `now`, whatever the server's time zone. */
export const vnDate = (now: Date): string => {
  const vn = new Date(now.getTime() + VN_OFFSET_MS);
  const yy = String(vn.getUTCFullYear() % 100).padStart(2, '0');
  const mm = String(vn.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(vn.getUTCDate()).padStart(2, '0');
  return `${yy}${mm}${dd}`;
};

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters of [0-9A-Za-z] from a CSPRNG, without modulo bias. */
export const randomToken = (length: number): string => {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes at or above it would favour the first characters.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
};

/**
 * A new `app_trans_id`: the Vietnam date, `_`, then 22 random base62 characters (131 bits), so it
 * cannot be guessed or enumerated. 29 characters, within ZaloPay's 40 and URL-safe.
 */
export const newAppTransId = (now: Date): string => `${vnDate(now)}_${randomToken(22)}`;

/** The shape of ids we issue and accept on our routes: `yymmdd_` then URL-safe characters. */
export const APP_TRANS_ID_PATTERN = /^\d{6}_[0-9A-Za-z_-]{1,33}$/;

/**
 * Any `app_trans_id` ZaloPay may send us: at most 40 printable ASCII characters, no space
 * (docs/zalopay-protocol.md §3.4). Orphan payments may carry ids we never issued; the merchant
 * routes read them by this pattern, the public ones only by {@link APP_TRANS_ID_PATTERN}.
 */
export const ZALOPAY_ID_PATTERN = /^[\x21-\x7e]{1,40}$/;

/**
 * A new `m_refund_id` in ZaloPay's `yymmdd_appid_xxx` form (max 45 characters): date in Vietnam,
 * our app id, then random characters.
 */
export const newRefundId = (now: Date, appId: number): string => {
  const prefix = `${vnDate(now)}_${appId}_`;
  return `${prefix}${randomToken(Math.min(20, 45 - prefix.length))}`;
};
