import { payability } from '../../../shared/core/orders/model';
import { anOrder, at } from '../../support/orders';

describe('payability: whether a buyer can still pay an order', () => {
  it('is payable while PENDING with its order_url, until it expires, counting the seconds left', () => {
    const order = anOrder({ status: 'PENDING', orderUrl: 'https://zp.example/openinapp?order=x' });
    const secondsToExpiry = (Date.parse(order.expiresAt) - at(0).getTime()) / 1000;
    expect(payability(order, at(0))).toEqual({
      payable: true,
      orderUrl: 'https://zp.example/openinapp?order=x',
      secondsLeft: secondsToExpiry,
    });
    expect(payability(order, new Date(Date.parse(order.expiresAt) - 1500))).toMatchObject({ secondsLeft: 1 });
  });

  it('is not payable once expired, even while still PENDING', () => {
    const order = anOrder({ status: 'PENDING', orderUrl: 'https://zp.example/o' });
    expect(payability(order, new Date(order.expiresAt))).toEqual({
      payable: false,
      reason: 'order is expired',
    });
  });

  it.each(['CREATING', 'PAID', 'FAILED', 'EXPIRED', 'REVIEW', 'REFUNDED'] as const)(
    'is not payable when %s',
    (status) => {
      expect(payability(anOrder({ status, orderUrl: 'https://zp.example/o' }), at(0))).toEqual({
        payable: false,
        reason: `order is ${status}`,
      });
    },
  );
});
