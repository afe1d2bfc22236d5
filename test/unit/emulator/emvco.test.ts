import { crc16Ccitt, vietQrPayload } from '../../../local/emulator/emvco';

/** Top-level EMVCo tag/length/value objects, in order. */
const parse = (payload: string): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < payload.length; ) {
    const length = Number(payload.slice(i + 2, i + 4));
    out.push([payload.slice(i, i + 2), payload.slice(i + 4, i + 4 + length)]);
    i += 4 + length;
  }
  return out;
};

describe('EMVCo / VietQR payload', () => {
  it('computes CRC-16/CCITT-FALSE (check value of "123456789" is 29B1)', () => {
    expect(crc16Ccitt('123456789')).toBe('29B1');
    expect(crc16Ccitt('')).toBe('FFFF');
  });

  it('builds a dynamic QR with ZaloPay merchant info, VND amount and a valid CRC last', () => {
    const payload = vietQrPayload({ appId: 2553, amount: 50000, reference: 'ACabcdefghijklmnopqrstuv' });
    const tags = parse(payload);
    expect(tags.map(([tag]) => tag)).toEqual(['00', '01', '26', '38', '52', '53', '54', '58', '62', '63']);
    const value = new Map(tags);
    expect(payload.startsWith('000201010212')).toBe(true);
    expect(parse(value.get('26')!)).toEqual([
      ['00', 'vn.zalopay'],
      ['02', '001'],
      ['01', '2553'],
      ['03', 'ACabcdefghijklmnopqrstuv'],
    ]);
    expect(parse(value.get('38')!)[0]).toEqual(['00', 'A000000727']);
    expect(value.get('53')).toBe('704');
    expect(value.get('54')).toBe('50000');
    expect(value.get('58')).toBe('VN');
    expect(value.get('63')).toBe(crc16Ccitt(payload.slice(0, -4)));
  });

  it('refuses a value that does not fit a two-digit length', () => {
    expect(() => vietQrPayload({ appId: 1, amount: 1, reference: 'x'.repeat(100) })).toThrow(RangeError);
  });
});
