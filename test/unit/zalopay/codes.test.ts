import { describeCode, isRequestLevelCode, type ZaloPayOperation } from '../../../shared/core/zalopay/codes';
import { ZaloPayRejectedError } from '../../../shared/core/zalopay/errors';

// Every code docs/zalopay-protocol.md documents, per API (§3.6, §5.1, §8.1, §8.2 and the common ones).
const DOCUMENTED: Record<ZaloPayOperation, number[]> = {
  create: [-68, -401, -402, -429, -500, -999, -33, -2, -53, -403, -405],
  query: [
    -54, -63, -92, -101, -217, -332, -333, -1330, -1331, -1332, -1333, -1340, -1341, -1342, -1343, -32, -135,
    -301, -33, -34, -35, -43, -88, -322, -329,
  ],
  refund: [-13, -14, -23, -101, -3, -24, -25, -26, -402, -429],
  query_refund: [-1, -13, -14, -32, -101],
};

describe('ZaloPay codes', () => {
  it.each(Object.entries(DOCUMENTED))(
    'every documented %s code has a name and a retry decision',
    (op, codes) => {
      for (const code of codes) {
        const described = describeCode(op as ZaloPayOperation, code);
        expect(described).toEqual({
          name: expect.any(String),
          meaning: expect.any(String),
          retryable: expect.any(Boolean),
        });
      }
    },
  );

  it('retries only what may work later: rate limits, maintenance, system errors', () => {
    expect(describeCode('create', -429)?.retryable).toBe(true);
    expect(describeCode('create', -999)?.retryable).toBe(true);
    expect(describeCode('create', -500)?.retryable).toBe(true);
    expect(describeCode('create', -68)?.retryable).toBe(false);
    expect(describeCode('create', -402)?.retryable).toBe(false);
    expect(describeCode('query', -54)?.retryable).toBe(false);
  });

  it('one code means different things per API', () => {
    expect(describeCode('query', -101)?.name).toBe('ORDER_NOT_EXIST');
    expect(describeCode('refund', -101)?.name).toBe('TRANSACTION_NOT_EXIST');
    expect(describeCode('query_refund', -32)?.name).toBe('REFUND_NOT_SUPPORTED');
  });

  it('tells request-level codes from answers about an order', () => {
    expect(isRequestLevelCode(-402)).toBe(true);
    expect(isRequestLevelCode(-429)).toBe(true);
    expect(isRequestLevelCode(-54)).toBe(false);
    expect(isRequestLevelCode(-101)).toBe(false);
    expect(isRequestLevelCode(undefined)).toBe(false);
  });

  it('a rejection explains itself by its most specific code; an unknown code is not retried', () => {
    const known = new ZaloPayRejectedError('create', 2, 'Giao dịch thất bại', -68, 'trùng mã');
    expect(known.message).toContain('DUPLICATE_APPS_TRANS_ID');
    expect(known.retryable).toBe(false);
    const unknown = new ZaloPayRejectedError('create', 2, '', -7777, '');
    expect(unknown.code).toBeUndefined();
    expect(unknown.retryable).toBe(false);
    expect(new ZaloPayRejectedError('create', -999, '', undefined, '').retryable).toBe(true);
  });
});
