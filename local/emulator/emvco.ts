/*
 * A VietQR (EMVCo merchant-presented QR) payload shaped like the `qr_code` ZaloPay returns
 * (docs/zalopay-protocol.md §3.5: "00020101021226520010vn.zalopay…6304766E"). Banking apps cannot pay it,
 * but scanners and QR renderers see a well-formed payload with a correct checksum.
 */

/** One EMVCo data object: 2-digit tag, 2-digit length, value. */
const tlv = (tag: string, value: string): string => {
  if (value.length > 99) throw new RangeError(`EMVCo tag ${tag} value longer than 99 characters`);
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
};

/** CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), the EMVCo tag 63 checksum, 4 uppercase hex digits. */
export const crc16Ccitt = (text: string): string => {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
};

export interface VietQrOrder {
  appId: number;
  amount: number;
  /** An ASCII reference of at most 25 characters tying the QR to the order (the trans token). */
  reference: string;
}

// NAPAS's VietQR application id and a bank BIN, as in ZaloPay's multi-function QR sample.
const NAPAS_AID = 'A000000727';
const BANK_BIN = '970454';

/** The EMVCo payload of a dynamic (point-of-initiation 12) VietQR for one order. */
export const vietQrPayload = (order: VietQrOrder): string => {
  const zalopay =
    tlv('00', 'vn.zalopay') + tlv('02', '001') + tlv('01', String(order.appId)) + tlv('03', order.reference);
  const account = `99${String(order.appId).padStart(12, '0')}`;
  const napas =
    tlv('00', NAPAS_AID) + tlv('01', tlv('00', BANK_BIN) + tlv('01', account)) + tlv('02', 'QRIBFTTA');
  const payload =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('26', zalopay) +
    tlv('38', napas) +
    tlv('52', '7399') +
    tlv('53', '704') +
    tlv('54', String(order.amount)) +
    tlv('58', 'VN') +
    tlv('62', tlv('08', order.reference)) +
    '6304';
  return payload + crc16Ccitt(payload);
};
