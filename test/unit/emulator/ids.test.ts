import {
  acceptedDates,
  dailyId,
  isCalendarDate,
  merchantUserId,
  newTransToken,
  vnDate,
} from '../../../local/emulator/ids';

const at = (iso: string) => Date.parse(iso);

describe('emulator ids and dates', () => {
  it('dates in Vietnam time (GMT+7)', () => {
    expect(vnDate(at('2024-01-01T16:59:59Z'))).toBe('240101');
    expect(vnDate(at('2024-01-01T17:00:00Z'))).toBe('240102');
  });

  it("accepts yesterday's date only in the first minute after Vietnamese midnight", () => {
    expect(acceptedDates(at('2024-01-01T17:00:59.999Z'))).toEqual(['240102', '240101']);
    expect(acceptedDates(at('2024-01-01T17:01:00Z'))).toEqual(['240102']);
  });

  it('recognises calendar dates', () => {
    expect(isCalendarDate('240229')).toBe(true);
    expect(isCalendarDate('230229')).toBe(false);
    expect(isCalendarDate('241301')).toBe(false);
    expect(isCalendarDate('24010')).toBe(false);
  });

  it('builds 15-digit ids from the date and a 9-digit sequence', () => {
    expect(dailyId(at('2024-01-01T00:00:00Z'), 1)).toBe(240101000000001);
    expect(String(dailyId(at('2024-12-31T00:00:00Z'), 123456789))).toBe('241231123456789');
  });

  it('issues tokens shaped like ZaloPay trans tokens and stable user pseudonyms', () => {
    expect(newTransToken()).toMatch(/^AC[0-9A-Za-z_-]{22}$/);
    expect(newTransToken()).not.toBe(newTransToken());
    expect(merchantUserId(2553, 'a')).toBe(merchantUserId(2553, 'a'));
    expect(merchantUserId(2553, 'a')).not.toBe(merchantUserId(2554, 'a'));
  });
});
