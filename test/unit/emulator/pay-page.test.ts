import {
  formatDuration,
  formatVnd,
  itemsOf,
  renderNoticePage,
  renderPayPage,
} from '../../../local/emulator/pay-page';
import { escapeHtml } from '../../../shared/adapters/http/html';

describe('payment page rendering', () => {
  it('formats VND with dots between thousands', () => {
    expect(formatVnd(0)).toBe('0 ₫');
    expect(formatVnd(999)).toBe('999 ₫');
    expect(formatVnd(50000)).toBe('50.000 ₫');
    expect(formatVnd(50_000_000)).toBe('50.000.000 ₫');
  });

  it('formats the countdown as m:ss, or h:mm:ss from an hour on', () => {
    expect(formatDuration(900)).toBe('15:00');
    expect(formatDuration(61.9)).toBe('1:01');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(30 * 86_400)).toBe('720:00:00');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('escapes every order value on the pay page and labels every control', () => {
    const evil = `"'><b>`;
    const html = renderPayPage({
      appId: 2553,
      appTransId: `240101_${evil}`,
      merchant: evil,
      description: evil,
      amount: 1000,
      items: [{ name: evil, quantity: 1, price: 1000 }],
      token: evil,
      secondsLeft: 10,
    });
    expect(html).not.toContain('<b>');
    expect(html).toContain('value="&quot;&#39;&gt;&lt;b&gt;"');
    const radios = html.match(/<input type="radio"/g) ?? [];
    const labelled = html.match(/<label><input type="radio"/g) ?? [];
    expect(radios).toHaveLength(3);
    expect(labelled).toHaveLength(3);
    expect(html).toContain('<legend>');
  });

  it('reads the item lines ZaloPay samples use, and skips what names nothing', () => {
    const json = JSON.stringify([
      { itemid: 'cf', itemname: 'Cà phê sữa đá', itemprice: 29000, itemquantity: 2 },
      { itemname: 'Bánh mì' },
      { itemname: 'Trà', itemprice: '45000', itemquantity: null },
      { itemid: 'no-name', itemprice: 1 },
      { itemname: '' },
      'text',
      null,
    ]);
    expect(itemsOf(json)).toEqual([
      { name: 'Cà phê sữa đá', quantity: 2, price: 29000 },
      { name: 'Bánh mì', quantity: undefined, price: undefined },
      { name: 'Trà', quantity: undefined, price: undefined },
    ]);
    expect(itemsOf('[]')).toEqual([]);
    expect(itemsOf('{"itemname":"x"}')).toEqual([]);
    expect(itemsOf('not json')).toEqual([]);
  });

  it('lists what is being bought, with line totals, and nothing when there are no items', () => {
    const view = {
      appId: 2553,
      appTransId: '240101_items',
      merchant: 'shop',
      description: 'Đơn hàng',
      amount: 83_000,
      token: 't',
      secondsLeft: 900,
    };
    const html = renderPayPage({
      ...view,
      items: [
        { name: 'Cà phê sữa đá', quantity: 2, price: 29_000 },
        { name: 'Bánh mì thịt', price: 25_000 },
      ],
    });
    expect(html).toContain('<ul class="items" aria-label="Sản phẩm / Items">');
    expect(html).toContain(
      '<li><span>Cà phê sữa đá <span class="qty">× 2</span></span><span class="price">58.000 ₫</span></li>',
    );
    expect(html).toContain('<li><span>Bánh mì thịt</span><span class="price">25.000 ₫</span></li>');
    expect(renderPayPage({ ...view, items: [] })).not.toContain('class="items"');
  });

  it('renders detail rows escaped on a notice page', () => {
    const html = renderNoticePage({
      tone: 'success',
      title: { vi: 'Thanh toán thành công', en: 'Payment successful' },
      message: { vi: 'a', en: 'b' },
      details: [['apptransid', '<x>']],
    });
    expect(html).toContain('<dt>apptransid</dt><dd>&lt;x&gt;</dd>');
    expect(html).toContain('class="tone-success"');
  });
});
