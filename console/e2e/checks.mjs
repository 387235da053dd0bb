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
