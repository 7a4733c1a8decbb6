// One pass over a page in the browser (tests/e2e/test_accessibility.py): one h1, no
// horizontal scrolling, and 44 × 44 px for every visible control. Returns [rule, detail, target].
({minimum, tolerance}) => {
  const problems = [];
  // What a tap would open counts too: open every disclosure (menus, composers) first.
  for (const d of document.querySelectorAll('details')) d.open = true;
  const h1s = document.querySelectorAll('h1');
  const visibleH1s = [...h1s].filter(h => h.getClientRects().length > 0);
  if (h1s.length !== 1) problems.push(['one-h1', `${h1s.length} h1 elements`, [...h1s].map(h => h.textContent.trim()).join(' | ')]);
  else if (visibleH1s.length !== 1) problems.push(['one-h1', 'the h1 is not visible', '']);
  const html = document.documentElement;
  // On a phone the browser zooms out to fit a too-wide page, and innerWidth grows with it;
  // the layout viewport (clientWidth) stays the phone's width.
  const width = Math.min(window.innerWidth, html.clientWidth);
  if (html.scrollWidth > width) {
    // Name the widest element, so the report says what to fix.
    let widest = null, right = width;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > right + 0.5 && r.width > 0) { widest = el; right = r.right; }
    }
    problems.push(['no-horizontal-scroll', `page is ${html.scrollWidth}px wide at ${width}px`, widest ? describe(widest) : '']);
  }
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[hidden], [aria-hidden="true"], template')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;          // not shown (closed details, sr-only)
    if (r.right <= 0 || r.bottom <= 0) continue;          // parked off screen (skip link)
    if (r.width >= minimum - tolerance && r.height >= minimum - tolerance) continue;
    if (el.matches('a') && !el.matches('.btn, .tabbar a, .topbar-back') && inRunningText(el)) continue;
    if (el.matches('input, select, textarea')) {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
      // A label that holds the input, or any label of a checkbox or radio, is tapped instead.
      if (label && (label.contains(el) || el.matches('[type=checkbox], [type=radio]'))) {
        const lr = label.getBoundingClientRect();
        if (lr.width >= minimum - tolerance && lr.height >= minimum - tolerance) continue;
      }
    }
    problems.push(['target-size', `${Math.round(r.width)}×${Math.round(r.height)}px`, describe(el)]);
  }
  // A form that deletes, removes or calls something off asks first (data-confirm, confirm.js;
  // or htmx's hx-confirm).
  const destructive = /\/(delete|remove|revoke|withdraw|cancel|decline|join-code|mute-author|unpin|renew-code)\/?$/;
  for (const form of document.querySelectorAll('form[method="post" i]')) {
    const action = new URL(form.getAttribute('action') || location.href, location.href).pathname;
    if (!destructive.test(action)) continue;
    if (form.hasAttribute('data-confirm') || form.hasAttribute('hx-confirm')) continue;
    problems.push(['confirm-destructive', `a form posting to ${action} does not ask first`, describe(form.querySelector('button, [type=submit]') || form)]);
  }
  return problems;

  function inRunningText(link) {
    const block = link.closest('p, li, dd, td, th, small, figcaption, blockquote, label');
    if (!block) return false;
    const own = link.textContent.replace(/\s+/g, '');
    const all = block.textContent.replace(/\s+/g, '');
    return all.length > own.length;
  }
  function describe(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ');
    return text ? `${s} "${text.slice(0, 40)}"` : s;
  }
}
