import {
  APP_TRANS_ID_PATTERN,
  newAppTransId,
  newRefundId,
  randomToken,
  vnDate,
} from '../../../shared/core/zalopay/ids';

describe('app_trans_id', () => {
  it.each([
    ['2026-11-28T00:00:00Z', '261128'],
    ['2026-11-28T16:59:59.999Z', '261128'],
    // 17:00 UTC is midnight in Vietnam: a UTC server must already write tomorrow.
    ['2026-11-28T17:00:00Z', '261129'],
    ['2026-11-28T23:59:59Z', '261129'],
    ['2026-12-31T17:00:00Z', '270101'],
    ['2028-02-28T17:30:00Z', '280229'],
  ])('%s is %s in Vietnam (GMT+7)', (utc, expected) => {
    expect(vnDate(new Date(utc))).toBe(expected);
  });

  it('is the Vietnam date, an underscore and 22 random base62 characters: 29 URL-safe characters', () => {
    const id = newAppTransId(new Date('2026-11-28T18:00:00Z'));
    expect(id).toMatch(/^261129_[0-9A-Za-z]{22}$/);
    expect(id.length).toBeLessThanOrEqual(40);
    expect(APP_TRANS_ID_PATTERN.test(id)).toBe(true);
  });

  it('never repeats and uses the whole alphabet', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => randomToken(22)));
    expect(ids.size).toBe(2000);
    const seen = new Set([...ids].join(''));
    expect(seen.size).toBe(62);
  });

  it('m_refund_id follows ZaloPay`s yymmdd_appid_xxx form within 45 characters', () => {
    const id = newRefundId(new Date('2026-11-28T17:30:00Z'), 2553);
    expect(id).toMatch(/^261129_2553_[0-9A-Za-z]+$/);
    expect(id.length).toBeLessThanOrEqual(45);
  });
});
