import { describe, expect, it } from 'vitest';
import { priorExamples } from './priors.ts';

describe('priorExamples', () => {
  const own = [
    { text: 'my phone has no signal', label: 'network' },
    { text: 'mobile data is very slow today', label: 'network' },
    { text: 'how much is my bill this month', label: 'billing' },
    { text: 'I was charged twice on my bill', label: 'billing' },
  ];
  const article = {
    title: 'No signal or slow data',
    tags: ['signal', 'data'],
    body: '## Check the basics\n\nRestart your phone. Check that the APN settings say tidewave.internet before calling us.\n\n- Turn airplane mode on and off again\n- ok\n\n| area | status |\n|---|---|\n| North | outage |\n',
  };

  it('learns from an article\'s sentences and list items, not its tables or fragments, for the route it resembles', () => {
    const { rows } = priorExamples(own, { routes: [], articles: [article], general: [], weight: 4 });
    const texts = rows.filter((r) => r.label === 'network').map((r) => r.text);
    expect(texts).toEqual(
      expect.arrayContaining(['No signal or slow data', 'Check the basics', 'Check that the APN settings say tidewave.internet before calling us.', 'Turn airplane mode on and off again']),
    );
    expect(texts.some((t) => /outage|^ok$|Restart your phone/.test(t))).toBe(false);
    expect(rows.some((r) => r.label === 'billing')).toBe(false);
  });
});
