import { callbackMac, redirectChecksum } from '../../shared/core/zalopay/mac';
import { SANDBOX } from './sandbox';

interface PaymentFields {
  appTransId: string;
  amount: number;
  appId?: number;
  zpTransId?: number;
  appTime?: number;
  serverTime?: number;
}

/** The `data` string of a v2 callback, fields in the order of ZaloPay's sample (§11 TV2). */
const callbackData = (p: PaymentFields): string =>
  JSON.stringify({
    app_id: p.appId ?? SANDBOX.appId,
    app_trans_id: p.appTransId,
    app_time: p.appTime ?? Date.now(),
    app_user: 'ZaloPay QR demo',
    amount: p.amount,
    embed_data: '{}',
    item: '[]',
    zp_trans_id: p.zpTransId ?? 261128000000999,
    server_time: p.serverTime ?? Date.now(),
    channel: 38,
    merchant_user_id: 'u-test',
    user_fee_amount: 0,
    discount_amount: 0,
  });

/** A callback body as ZaloPay sends it, signed with `key2` (the sandbox key2 unless forging). */
export const signedCallback = (p: PaymentFields, key2: string = SANDBOX.key2, type = 1) => {
  const data = callbackData(p);
  return { data, mac: callbackMac(key2, data), type };
};

/** The query string ZaloPay's gateway appends to the redirect URL, with its key2 checksum. */
export const redirectQuery = (
  p: { appTransId: string; amount: number; status?: number },
  key2: string = SANDBOX.key2,
): string => {
  const fields = {
    appid: String(SANDBOX.appId),
    apptransid: p.appTransId,
    pmcid: '38',
    bankcode: '',
    amount: String(p.amount),
    discountamount: '0',
    status: String(p.status ?? 1),
  };
  return new URLSearchParams({ ...fields, checksum: redirectChecksum(key2, fields) }).toString();
};
