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

/** A calendar day as the API and the reports name it: `yyyy-mm-dd`. */
export const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The `yymmdd` prefix of the `app_trans_id`s of a Vietnam day given as `yyyy-mm-dd`, or undefined
 * when it is no real date of this century (ZaloPay's ids carry a two-digit year).
 */
export const vnDayPrefix = (day: string): string | undefined => {
  const match = DAY_PATTERN.exec(day);
  if (!match) return undefined;
  const [, year, month, date] = match as unknown as [string, string, string, string];
  const time = Date.UTC(Number(year), Number(month) - 1, Number(date));
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) return undefined;
  if (year < '2000' || year > '2099') return undefined;
  return `${year.slice(2)}${month}${date}`;
};

/** The `yymmdd` day an `app_trans_id` belongs to, when it starts with one (orphan ids may not). */
export const dayOfAppTransId = (appTransId: string): string | undefined => {
  const prefix = /^(\d{6})_/.exec(appTransId)?.[1];
  return prefix && vnDayPrefix(`20${prefix.slice(0, 2)}-${prefix.slice(2, 4)}-${prefix.slice(4)}`)
    ? prefix
    : undefined;
};

/** The Vietnam day (`yyyy-mm-dd`) `days` days before the one at `now`: `1` is yesterday. */
export const vnDayBefore = (now: Date, days: number): string =>
  new Date(now.getTime() + VN_OFFSET_MS - days * 86_400_000).toISOString().slice(0, 10);

/** The instants a Vietnam day (`yyyy-mm-dd`) spans: from its midnight (GMT+7) to the next, exclusive. */
export const vnDaySpan = (day: string): { start: Date; end: Date } => {
  const start = new Date(`${day}T00:00:00+07:00`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
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
