// axe-core's WCAG 2.0/2.1 A and AA rules on the page (tests/e2e/test_accessibility.py); returns
// the serious and critical violations as [rule, impact, [target — what is wrong, …]].
async (tags) => {
  // Bars fixed to the screen cover the text under them, and axe cannot tell the colours of
  // covered text (it reports it as "incomplete", not as a violation): let them scroll away.
  for (const el of document.querySelectorAll('body *')) {
    const position = getComputedStyle(el).position;
    if (position === 'fixed' || position === 'sticky') el.style.setProperty('position', 'static', 'important');
  }
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => [v.id, v.impact, v.nodes.slice(0, 5).map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.split('\n').slice(1, 2).join('').trim() : ''))]);
}
