/**
 * ZaloPay's documented return and sub-return codes (docs/zalopay-protocol.md §3.6, §5.1, §8), each with a
 * decision: is trying the same request again later worth it? The meaning of a code depends on
 * the API (-101 is "no such order" for a query and "no such transaction" for a refund), so the
 * table is per operation, on top of the codes every API shares.
 */
export type ZaloPayOperation = 'create' | 'query' | 'refund' | 'query_refund';

export interface ZaloPayCode {
  /** ZaloPay's symbolic name, or ours where the docs give none. */
  name: string;
  /** What it means to us, in one line (English). */
  meaning: string;
  /** True when the same request may succeed if sent again later. */
  retryable: boolean;
}

const code = (name: string, meaning: string, retryable: boolean): ZaloPayCode => ({
  name,
  meaning,
  retryable,
});

/** Codes any API may answer, in `return_code` or `sub_return_code`. */
const COMMON: Record<number, ZaloPayCode> = {
  [-2]: code('APPID_INVALID', 'app_id is not valid', false),
  [-3]: code('MAC_INVALID', 'the MAC does not match', false),
  [-33]: code('APP_MAINTENANCE', 'the merchant app is under maintenance', true),
  [-53]: code('HMAC_INVALID', 'the MAC does not match', false),
  [-401]: code('ILLEGAL_DATA_REQUEST', 'a parameter is missing or malformed', false),
  [-402]: code('ILLEGAL_APP_OR_SIGNATURE', 'wrong app_id or wrong MAC', false),
  [-403]: code('FORBIDDEN', 'the app may not call this API', false),
  [-405]: code('METHOD_NOT_ALLOWED', 'the request method or type is not accepted', false),
  [-429]: code('LIMIT_REQUEST_REACH', 'rate-limited by ZaloPay', true),
  [-500]: code('SYSTEM_ERROR', 'ZaloPay system error', true),
  [-999]: code('SYSTEM_MAINTENANCE', 'ZaloPay is under maintenance', true),
};

const BY_OPERATION: Record<ZaloPayOperation, Record<number, ZaloPayCode>> = {
  create: {
    [-68]: code('DUPLICATE_APPS_TRANS_ID', 'app_trans_id was already used', false),
  },
  query: {
    [-32]: code('SYSTEM_ERROR', 'payment system error', true),
    [-34]: code('CHANNEL_MAINTENANCE', 'payment channel under maintenance', true),
    [-35]: code('CHANNEL_UNSUPPORTED', 'payment channel not supported', false),
    [-43]: code('BANK_MAINTENANCE', 'bank under maintenance', true),
    [-54]: code('TIME_INVALID', 'the order expired unpaid', false),
    [-63]: code('ZPW_BALANCE_NOT_ENOUGH', 'the wallet balance was not enough', false),
    [-88]: code('FEATURE_MAINTENANCE', 'feature under maintenance', true),
    [-92]: code('APPTRANSID_INVALID', 'app_trans_id is malformed', false),
    [-101]: code('ORDER_NOT_EXIST', 'ZaloPay has no such order', false),
    [-135]: code('SYSTEM_ERROR', 'payment system error', true),
    [-217]: code('BANK_ERROR', 'the bank declined or failed', false),
    [-301]: code('SYSTEM_ERROR', 'payment system error', true),
    [-322]: code('PAYMENT_CODE_EXPIRED', 'the payment code expired', false),
    [-329]: code('USER_CANCELLED', 'the buyer cancelled', false),
    [-332]: code('PROMOTION_RULE', 'a promotion rule rejected the payment', false),
    [-333]: code('PROMOTION_RULE', 'a promotion rule rejected the payment', false),
    [-1330]: code('DAILY_LIMIT', 'the buyer reached a daily spending limit', false),
    [-1331]: code('DAILY_LIMIT', 'the buyer reached a daily spending limit', false),
    [-1332]: code('DAILY_LIMIT', 'the buyer reached a daily spending limit', false),
    [-1333]: code('DAILY_LIMIT', 'the buyer reached a daily spending limit', false),
    [-1340]: code('MONTHLY_LIMIT', 'the buyer reached a monthly spending limit', false),
    [-1341]: code('MONTHLY_LIMIT', 'the buyer reached a monthly spending limit', false),
    [-1342]: code('MONTHLY_LIMIT', 'the buyer reached a monthly spending limit', false),
    [-1343]: code('MONTHLY_LIMIT', 'the buyer reached a monthly spending limit', false),
  },
  refund: {
    [2]: code('REFUND_PROCESSING', 'the refund is being processed: follow it with query_refund', true),
    [-13]: code('REFUND_EXPIRED', 'refund window closed or timestamp stale', false),
    [-14]: code('INVALID_AMOUNT', 'refund amount is not valid', false),
    [-23]: code('DUPLICATE_M_REFUND_ID', 'm_refund_id was already used', false),
    [-24]: code('M_REFUND_ID_FORMAT', 'm_refund_id is malformed', false),
    [-25]: code('M_REFUND_ID_DATE', 'm_refund_id does not start with today in GMT+7', false),
    [-26]: code('M_REFUND_ID_APP', 'm_refund_id names another app', false),
    [-101]: code('TRANSACTION_NOT_EXIST', 'ZaloPay has no such zp_trans_id', false),
  },
  query_refund: {
    [0]: code('REFUND_FAILED', 'the refund failed', false),
    [2]: code('REFUND_PROCESSING', 'the refund is being processed: keep polling', true),
    [-1]: code('REFUND_PENDING', 'the refund waits for ZaloPay operations', true),
    [-13]: code('REFUND_EXPIRED', 'refund window closed or timestamp stale', false),
    [-14]: code('INVALID_AMOUNT', 'refund amount is not valid', false),
    [-32]: code('REFUND_NOT_SUPPORTED', 'the transaction does not support refunds', false),
    [-101]: code('REFUND_NOT_EXIST', 'ZaloPay has no such m_refund_id', false),
  },
};

/** The documented meaning of `value` for `operation`, or undefined for an undocumented code. */
export const describeCode = (operation: ZaloPayOperation, value: number): ZaloPayCode | undefined =>
  BY_OPERATION[operation][value] ?? COMMON[value];

/**
 * True for codes about the request itself (bad MAC, bad parameters, rate limit, maintenance)
 * rather than about the order or refund it names. A query answering `2` with one of these says
 * nothing about the order, so it must not fail the order.
 */
export const isRequestLevelCode = (value: number | undefined): boolean =>
  value !== undefined && value in COMMON;
