import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { makeHandler, matchesEtag } from '../../functions/qr';
import { silentLog } from '../../shared/core/observability';
import type { Order } from '../../shared/core/orders/model';
import { anOrder, at } from '../support/orders';
import { decodeQrPng, PNG_TEST_TIMEOUT_MS } from '../support/qr';

type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string };

const qr = async (
  order: Order | undefined,
  {
    now = at(60),
    query = {},
    headers = {},
  }: { now?: Date; query?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Result> => {
  const handler = makeHandler({ store: { get: async () => order }, clock: () => now, log: silentLog });
  const event = {
    rawPath: '/orders/x/qr',
    pathParameters: { appTransId: anOrder().appTransId },
    queryStringParameters: query,
    headers,
  } as unknown as APIGatewayProxyEventV2;
  return (await handler(event, {} as Context)) as Result;
};
const errorCode = (res: Result) => (JSON.parse(res.body) as { error: { code: string } }).error.code;
const decode = (res: Result) => decodeQrPng(Buffer.from(res.body, 'base64'));

describe('matchesEtag (If-None-Match)', () => {
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", W/"abc" ,"y"', true],
    ['*', true],
    ['"abcd"', false],
    ['abc', false],
    ['', false],
  ])('%s → %s', (header, expected) => {
    expect(matchesEtag(header, '"abc"')).toBe(expected);
  });

  it('is false without the header', () => {
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
  });
});

describe('the QR handler', () => {
  it(
    'renders the order_url as PNG at the asked size, scannable',
    async () => {
      const res = await qr(anOrder(), { query: { format: 'png', size: '400', margin: '2' } });
      expect(res.statusCode).toBe(200);
      expect(res.isBase64Encoded).toBe(true);
      expect(decode(res)).toEqual({ text: anOrder().orderUrl, width: 400 });
    },
    PNG_TEST_TIMEOUT_MS,
  );

  it(
    'renders the VietQR payload on request, and says so when ZaloPay gave none',
    async () => {
      const vietqr = '00020101021226520010vn.zalopay0203001010627000503173307089089161731338580010A000000727';
      const res = await qr(anOrder({ qrCode: vietqr }), { query: { format: 'png', content: 'vietqr' } });
      expect(decode(res).text).toBe(vietqr);
      const none = await qr(anOrder(), { query: { content: 'vietqr' } });
      expect(none.statusCode).toBe(404);
    },
    PNG_TEST_TIMEOUT_MS,
  );

  it('is cached for the seconds left before expiry, never longer', async () => {
    const res = await qr(anOrder(), { now: at(898.5) });
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['cache-control']).toBe('private, max-age=1');
    expect((await qr(anOrder(), { now: at(60) })).headers['cache-control']).toBe('private, max-age=840');
  });

  it(
    'answers 304 to its ETag, weak or in a list, with the same caching',
    async () => {
      const first = await qr(anOrder());
      const etag = first.headers.etag ?? '';
      for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
        const again = await qr(anOrder(), { headers: { 'if-none-match': header } });
        expect(again.statusCode).toBe(304);
        expect(again.headers).toEqual({
          etag,
          'cache-control': first.headers['cache-control'],
          'x-content-type-options': 'nosniff',
        });
        expect(again.body).toBeUndefined();
      }
      const otherFormat = await qr(anOrder(), {
        query: { format: 'png' },
        headers: { 'if-none-match': etag },
      });
      expect(otherFormat.statusCode).toBe(200);
    },
    PNG_TEST_TIMEOUT_MS,
  );

  it.each([
    ['expired', anOrder(), at(900)],
    ['paid', anOrder({ status: 'PAID' }), at(60)],
    ['still creating', anOrder({ status: 'CREATING', orderUrl: undefined }), at(60)],
  ])('is 410 once the order is %s', async (_, order, now) => {
    const res = await qr(order, { now });
    expect(res.statusCode).toBe(410);
    expect(errorCode(res)).toBe('ORDER_NOT_PAYABLE');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('is 404 for an unknown order and 400 outside the limits', async () => {
    expect((await qr(undefined)).statusCode).toBe(404);
    const outsideTheLimits: Record<string, string>[] = [
      { size: '127' },
      { size: '1025' },
      { margin: '-1' },
      { margin: '17' },
      { format: 'gif' },
    ];
    for (const query of outsideTheLimits) {
      const res = await qr(anOrder(), { query });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
    }
  });
});
