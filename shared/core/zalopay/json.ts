/** Fields ZaloPay sends as JSON integers that are identifiers and may not fit a double exactly. */
const ID_FIELDS = /"(zp_trans_id|refund_id|zptransid|refundid)"\s*:\s*(-?\d+)/g;

/**
 * `JSON.parse`, but ZaloPay's numeric ids come back as strings with every digit intact
 * (a 19-digit id would silently lose digits as a number).
 */
export const parseZaloPayJson = (text: string): unknown => JSON.parse(text.replace(ID_FIELDS, '"$1":"$2"'));
