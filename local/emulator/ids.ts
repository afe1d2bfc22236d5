import { createHash, randomBytes } from 'node:crypto';

// Vietnam keeps GMT+7 all year.
const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;
/** How long after Vietnamese midnight yesterday's date is still accepted in an id (clock skew). */
const MIDNIGHT_GRACE_MS = 60_000;

/** `yymmdd` of the Vietnamese calendar date at `ms`. */
export const vnDate = (ms: number): string => {
  const vn = new Date(ms + VN_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(vn.getUTCFullYear() % 100)}${two(vn.getUTCMonth() + 1)}${two(vn.getUTCDate())}`;
};

/** The `yymmdd` prefixes an `app_trans_id` or `m_refund_id` may carry at `ms`: today, and yesterday just after midnight. */
export const acceptedDates = (ms: number): string[] => {
  const sinceMidnight = (ms + VN_OFFSET_MS) % DAY_MS;
  return sinceMidnight < MIDNIGHT_GRACE_MS ? [vnDate(ms), vnDate(ms - DAY_MS)] : [vnDate(ms)];
};

/** True when `yymmdd` is a calendar date (any year 2000–2099). */
export const isCalendarDate = (yymmdd: string): boolean => {
  if (!/^\d{6}$/.test(yymmdd)) return false;
  const [y, m, d] = [yymmdd.slice(0, 2), yymmdd.slice(2, 4), yymmdd.slice(4, 6)].map(Number) as [
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(2000 + y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/** A `zp_trans_token` like ZaloPay's (`AC` + 22 URL-safe characters). */
export const newTransToken = (): string => `AC${randomBytes(16).toString('base64url').slice(0, 22)}`;

/** A 15-digit id: the Vietnamese date of `ms`, then `sequence` on 9 digits (ZaloPay's `zp_trans_id` shape). */
export const dailyId = (ms: number, sequence: number): number =>
  Number(`${vnDate(ms)}${String(sequence % 1e9).padStart(9, '0')}`);

/** A stable per-app pseudonym of the payer, the shape of ZaloPay's `merchant_user_id`. */
export const merchantUserId = (appId: number, appUser: string): string =>
  createHash('sha256').update(`${appId}\u0000${appUser}`, 'utf8').digest('base64url');
