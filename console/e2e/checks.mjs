// Checks run on every page the tests visit: accessible names, no horizontal overflow, no secret shown.
import assert from 'node:assert/strict';

/** Every form control and button has an accessible name (a label, aria-label or text). */
export async function assertNamedControls(page, where) {
  const unnamed = await page.evaluate(() => {
    const named = (el) => {
      if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return true;
      if (el.matches('input, select, textarea')) return el.labels && el.labels.length > 0;
      return el.textContent.trim().length > 0;
    };
    return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')]
      .filter((el) => el.offsetParent !== null || el.closest('dialog[open]'))
      .filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 120));
  });
  assert.deepEqual(unnamed, [], `controls without an accessible name on ${where}`);
}

/** At a phone's width the document itself must not scroll sideways (tables scroll inside their box). */
export async function assertNoSidewaysScroll(page, where) {
  const { scroll, width, wide } = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const outside = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > w + 1
      && !el.closest('.table-wrap'));
    return {
      scroll: document.documentElement.scrollWidth, width: w,
      wide: outside.slice(-3).map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.getBoundingClientRect().right}px`),
    };
  });
  assert.ok(scroll <= width + 1, `${where} scrolls sideways: ${scroll}px of content in ${width}px (${wide.join('; ')})`);
}

export async function assertNotShown(page, secret, where) {
  const html = await page.content();
  const values = await page.evaluate(() => [...document.querySelectorAll('input')].map((i) => i.value).join('\n'));
  assert.ok(!html.includes(secret) && !values.includes(secret), `a secret that must never be shown is on ${where}`);
}

/** WCAG AA contrast of every visible text (4.5:1, 3:1 for large text); disabled controls are exempt. */
export async function assertContrast(page, where) {
  const low = await page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || c[3] > 0.9) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el || el.closest('.sr-only, :disabled, [aria-disabled="true"], .skip, svg, option')) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
      const style = getComputedStyle(el);
      const [a, b] = [lum(rgb(style.color)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`"${n.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return [...new Set(out)].slice(0, 10);
  });
  assert.deepEqual(low, [], `text below WCAG AA contrast on ${where}`);
}
