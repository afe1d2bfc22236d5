import { requestParams } from '../../../local/emulator/params';

const none = new URLSearchParams();

describe('API request parameters', () => {
  it('reads a UTF-8 form body without touching the text', () => {
    const nfd = 'Hoàn tiền'.normalize('NFD');
    const body = Buffer.from(new URLSearchParams({ description: nfd, item: '[{"a":"b&c"}]' }).toString());
    const read = requestParams('application/x-www-form-urlencoded; charset=utf-8', body, none);
    expect(read).toEqual({ ok: true, params: { description: nfd, item: '[{"a":"b&c"}]' } });
  });

  it('reads a JSON object, numbers in plain decimal, other values as absent', () => {
    const body = Buffer.from(
      JSON.stringify({ app_id: 2553, amount: '50000', embed_data: {}, flag: true, n: null }),
    );
    expect(requestParams('application/json', body, none)).toEqual({
      ok: true,
      params: { app_id: '2553', amount: '50000' },
    });
  });

  it('reads the query string when the body is empty, whatever the content type', () => {
    const query = new URLSearchParams('app_id=2553&app_trans_id=240101_1');
    expect(requestParams('application/json', Buffer.alloc(0), query)).toEqual({
      ok: true,
      params: { app_id: '2553', app_trans_id: '240101_1' },
    });
  });

  it('keeps the first of repeated names and plain keys like __proto__', () => {
    const read = requestParams(undefined, Buffer.from('a=1&a=2&__proto__=x'), none);
    expect(read.ok && read.params.a).toBe('1');
    expect(read.ok && Object.getOwnPropertyDescriptor(read.params, '__proto__')?.value).toBe('x');
  });

  it('refuses broken JSON, a JSON array and other media types', () => {
    expect(requestParams('application/json', Buffer.from('{'), none)).toEqual({
      ok: false,
      problem: 'malformed',
    });
    expect(requestParams('application/json', Buffer.from('[1]'), none)).toEqual({
      ok: false,
      problem: 'malformed',
    });
    expect(requestParams('text/xml', Buffer.from('<a/>'), none)).toEqual({
      ok: false,
      problem: 'unsupported-media-type',
    });
  });
});
