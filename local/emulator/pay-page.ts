/*
 * The emulated gateway page behind `order_url`: a phone-sized screen in Vietnamese and English,
 * no external assets (the machine may be offline). Every value is escaped where it is used.
 */
import { escapeHtml } from '../../shared/adapters/http/html';

/** An amount of VND the Vietnamese way: `50.000 ₫`. */
export const formatVnd = (amount: number): string =>
  `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} ₫`;

/** `m:ss`, or `h:mm:ss` from one hour on. */
export const formatDuration = (seconds: number): string => {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
};

/** A line in two languages: Vietnamese first, English after it. */
interface Bilingual {
  vi: string;
  en: string;
}

const both = (t: Bilingual): string =>
  `${escapeHtml(t.vi)} <span class="en" lang="en">${escapeHtml(t.en)}</span>`;

const STYLE = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#e9eef5;color:#1b1f24}
.phone{max-width:400px;min-height:760px;margin:32px auto;background:#fff;border:12px solid #1b1f24;border-radius:40px;overflow:hidden;display:flex;flex-direction:column;box-shadow:0 12px 40px rgba(0,0,0,.2)}
@media (max-width:480px){.phone{margin:0;border:0;border-radius:0;min-height:100vh;max-width:none;box-shadow:none}}
header{background:#0057d9;color:#fff;padding:16px 20px}
header .brand{margin:0;font-size:22px;font-weight:700;letter-spacing:.02em}
header p{margin:2px 0 0;font-size:14px}
header .en{color:#fff}
main{flex:1;display:flex;flex-direction:column;gap:16px;padding:20px}
h1{margin:0;font-size:18px;line-height:1.35;overflow-wrap:anywhere}
.en{color:#4a5563;font-size:.875em}
.lead{margin:0}
.description{margin:0;font-size:14px;color:#5b6472;overflow-wrap:anywhere}
.amount{margin:0;font-size:34px;font-weight:700;white-space:nowrap}
.items{list-style:none;margin:0;padding:0;border-top:1px solid #e3e8ef}
.items li{display:flex;justify-content:space-between;gap:12px;padding:8px 0;border-bottom:1px solid #e3e8ef}
.items .qty{color:#4a5563;white-space:nowrap}
.items .price{font-weight:600;white-space:nowrap}
dl{display:grid;grid-template-columns:auto 1fr;gap:8px 12px;margin:0}
dt{color:#4a5563}
dd{margin:0;font-weight:600;text-align:right;overflow-wrap:anywhere}
code{font:13px/1.6 ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
.tester{border:2px dashed #b35c00;border-radius:12px;margin:0;padding:8px 12px 12px;background:#fffaeb}
.tester legend{font-weight:700;padding:0 6px;color:#7a2e0e}
.tester .hint{margin:0 0 4px;font-size:14px;color:#7a2e0e}
label{display:flex;gap:8px;align-items:center;padding:4px 0}
.actions{display:flex;flex-direction:column;gap:10px;margin-top:auto}
button{font:inherit;font-weight:700;padding:14px;border-radius:12px;border:2px solid #0057d9;cursor:pointer}
.pay{background:#0057d9;color:#fff}
.cancel{background:#fff;color:#0057d9}
button .en{color:inherit}
button:disabled{background:#5b6472;border-color:#5b6472;color:#fff;cursor:not-allowed}
button:focus-visible,input:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.tone-success h1{color:#05603a}
.tone-error h1{color:#b42318}`;

const shell = (title: string, main: string, script = ''): string => `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="phone">
<header><p class="brand">ZaloPay</p><p>${both({ vi: 'Cổng thanh toán giả lập', en: 'Payment gateway emulator' })}</p></header>
<main>
${main}
</main>
</div>${script}
</body>
</html>
`;

/** One line of what is being bought, as the merchant listed it in the order's `item`. */
export interface PayPageItem {
  name: string;
  quantity?: number;
  price?: number;
}

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * The lines of an order's `item` JSON that name something. ZaloPay leaves the item format to the
 * merchant; its samples (and our client) use `itemname`, `itemquantity` and `itemprice`.
 */
export const itemsOf = (itemJson: string): PayPageItem[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(itemJson);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { itemname, itemquantity, itemprice } = entry as Record<string, unknown>;
    if (typeof itemname !== 'string' || itemname === '') return [];
    return [{ name: itemname, quantity: finite(itemquantity), price: finite(itemprice) }];
  });
};

const itemList = (items: readonly PayPageItem[]): string =>
  items.length === 0
    ? ''
    : `<ul class="items" aria-label="Sản phẩm / Items">
${items
  .map(
    (i) =>
      `<li><span>${escapeHtml(i.name)}${i.quantity === undefined ? '' : ` <span class="qty">× ${escapeHtml(String(i.quantity))}</span>`}</span>${i.price === undefined ? '' : `<span class="price">${escapeHtml(formatVnd(i.price * (i.quantity ?? 1)))}</span>`}</li>`,
  )
  .join('\n')}
</ul>`;

/** What the payment page shows about one order. */
export interface PayPageView {
  appId: number;
  appTransId: string;
  /** Who is paid: the app's name at ZaloPay, else the order's `app_user`. */
  merchant: string;
  description: string;
  amount: number;
  /** What is being bought (empty when the order's `item` lists nothing readable). */
  items: readonly PayPageItem[];
  /** The order's `zp_trans_token`, posted back with the buyer's choice. */
  token: string;
  /** Seconds until the order expires, by the emulator clock. */
  secondsLeft: number;
}

// Counts down from the server's figure, so a skewed browser clock does not matter.
const COUNTDOWN_SCRIPT = `
<script>
(() => {
  const el = document.getElementById('countdown');
  const pay = document.getElementById('pay');
  const end = Date.now() + Number(el.dataset.seconds) * 1000;
  const two = (n) => String(n).padStart(2, '0');
  const tick = () => {
    const s = Math.max(0, Math.floor((end - Date.now()) / 1000));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    el.textContent = h > 0 ? h + ':' + two(m) + ':' + two(s % 60) : m + ':' + two(s % 60);
    if (s === 0) { pay.disabled = true; el.textContent = 'Đã hết hạn / Expired'; return; }
    setTimeout(tick, ((end - Date.now()) % 1000) + 5);
  };
  tick();
})();
</script>`;

/** The page where the buyer (a tester) pays or cancels the order. */
export const renderPayPage = (v: PayPageView): string =>
  shell(
    `ZaloPay – ${v.merchant}`,
    `<p class="lead">${both({ vi: 'Thanh toán cho', en: 'You are paying for' })}</p>
<h1>${escapeHtml(v.merchant)}</h1>
<p class="amount">${escapeHtml(formatVnd(v.amount))}</p>
${
  v.description
    ? `<p class="description">${escapeHtml(v.description)}</p>
`
    : ''
}${itemList(v.items)}
<dl>
<dt>${both({ vi: 'Mã giao dịch', en: 'Transaction' })}</dt><dd><code>${escapeHtml(v.appTransId)}</code></dd>
<dt>${both({ vi: 'Ứng dụng', en: 'App ID' })}</dt><dd>${escapeHtml(String(v.appId))}</dd>
<dt>${both({ vi: 'Hết hạn sau', en: 'Expires in' })}</dt><dd><span id="countdown" role="timer" data-seconds="${escapeHtml(String(Math.floor(v.secondsLeft)))}">${escapeHtml(formatDuration(v.secondsLeft))}</span></dd>
</dl>
<form method="post" action="openinapp/pay">
<input type="hidden" name="token" value="${escapeHtml(v.token)}">
<fieldset class="tester">
<legend>${both({ vi: 'Kiểm thử', en: 'Testers' })}</legend>
<p class="hint">${both({
      vi: 'Sau khi thanh toán (không có trên trang thật của ZaloPay):',
      en: 'After paying (not on the real ZaloPay page):',
    })}</p>
<label><input type="radio" name="callback" value="deliver" checked> ${both({ vi: 'Gửi callback', en: 'Callback delivered' })}</label>
<label><input type="radio" name="callback" value="lost"> ${both({ vi: 'Mất callback', en: 'Callback lost' })}</label>
<label><input type="radio" name="callback" value="closed"> ${both({ vi: 'Người mua đóng ứng dụng (không callback, không chuyển hướng)', en: 'Buyer closes the app (no callback, no redirect)' })}</label>
</fieldset>
<div class="actions">
<button id="pay" class="pay" type="submit" name="action" value="pay">${both({ vi: 'Thanh toán', en: 'Pay' })}</button>
<button class="cancel" type="submit" name="action" value="cancel">${both({ vi: 'Hủy', en: 'Cancel' })}</button>
</div>
</form>`,
    COUNTDOWN_SCRIPT,
  );

/** A page that only tells something: an outcome, or why the order cannot be paid. */
export interface NoticeView {
  tone: 'success' | 'error';
  title: Bilingual;
  message: Bilingual;
  /** Label / value rows, e.g. the redirect parameters. */
  details?: ReadonlyArray<readonly [string, string]>;
}

/** The result page (no `redirecturl`) and the explanatory error pages. */
export const renderNoticePage = (v: NoticeView): string => {
  const rows = (v.details ?? []).map(([k, val]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(val)}</dd>`);
  return shell(
    `ZaloPay – ${v.title.vi}`,
    `<div class="tone-${v.tone}">
<h1>${both(v.title)}</h1>
</div>
<p>${both(v.message)}</p>
${rows.length > 0 ? `<dl>\n${rows.join('\n')}\n</dl>` : ''}`,
  );
};
