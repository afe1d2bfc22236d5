import { orderChangeOf } from '../../../shared/adapters/dynamodb/stream';
import { anOrder, at } from '../../support/orders';
import { itemRecord, orderRecord } from '../../support/stream';

describe('order changes in DynamoDB stream records (docs/events.md §1)', () => {
  const pending = anOrder({ status: 'PENDING', version: 2, metadata: { cartId: 'c-1', gift: true } });
  const paid = anOrder({ status: 'PAID', version: 3, paidAt: at(30).toISOString(), nextCheck: undefined });

  it('a MODIFY gives the order before and after, as the store reads them (no addressing attributes)', () => {
    const indexed = { ...pending, dueShard: 'DUE#1', dueAt: pending.nextCheck?.at };
    const record = itemRecord({ pk: `ORDER#${pending.appTransId}`, sk: 'ORDER' }, indexed, { ...paid });
    expect(orderChangeOf(record)).toEqual({
      before: JSON.parse(JSON.stringify(pending)),
      after: JSON.parse(JSON.stringify(paid)),
    });
  });

  it('an INSERT has no order before', () => {
    expect(orderChangeOf(orderRecord(undefined, pending))?.before).toBeUndefined();
  });

  it('history entries, idempotency keys and removals are no order change', () => {
    const id = pending.appTransId;
    expect(
      orderChangeOf(
        itemRecord({ pk: `ORDER#${id}`, sk: 'HISTORY#2026-11-28T03:00:00.000Z#1' }, undefined, {}),
      ),
    ).toBeUndefined();
    expect(
      orderChangeOf(itemRecord({ pk: 'IDEMPOTENCY#ab', sk: 'IDEMPOTENCY' }, undefined, {})),
    ).toBeUndefined();
    expect(orderChangeOf({ ...orderRecord(pending, paid), eventName: 'REMOVE' })).toBeUndefined();
    expect(orderChangeOf({ eventName: 'INSERT' })).toBeUndefined();
  });
});
