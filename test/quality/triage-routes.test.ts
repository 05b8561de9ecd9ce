/**
 * Quality gate of the default triage: trained on the shipped Bitext training set, the intents it
 * predicts must land on the right route for ≥ 95% of held-out utterances.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stratifiedSplit, trainClassifier, type Example } from '../../agents/engines/local/classifier/index.ts';
import { parseJsonl, readExamples } from '../../agents/engines/local/training/datasets.ts';

// The route map of the default deployment (../shared/data/README.md), inline on purpose: the test
// checks the classifier against the published mapping, not against whatever config says today.
const ROUTES: Record<string, string[]> = {
  orders: ['cancel_order', 'change_order', 'place_order', 'track_order', 'delivery_period', 'change_shipping_address', 'set_up_shipping_address'],
  billing: ['check_invoice', 'check_invoices', 'get_invoice', 'payment_issue', 'get_refund', 'track_refund', 'check_cancellation_fee'],
  account: ['create_account', 'delete_account', 'edit_account', 'recover_password', 'registration_problems', 'switch_account', 'newsletter_subscription'],
  escalation: ['complaint', 'contact_human_agent'],
  faq: ['check_refund_policy', 'delivery_options', 'check_payment_methods', 'contact_customer_service', 'review'],
};
const routeOf = new Map(Object.entries(ROUTES).flatMap(([route, intents]) => intents.map((i) => [i, route] as const)));

const TRAINING_SET = resolve(import.meta.dirname, '../../config/triage/bitext-intents.jsonl');
const BITEXT = resolve(import.meta.dirname, '../../../shared/data/bitext/utterances-20k.csv');

function routeAccuracy(train: Example[], test: Example[]): number {
  const clf = trainClassifier(train, { seed: 3 });
  let right = 0;
  for (const e of test) if (routeOf.get(clf.predict(e.text).label) === routeOf.get(e.label)) right++;
  return right / test.length;
}

describe('triage quality on Bitext', () => {
  const shipped = parseJsonl(readFileSync(TRAINING_SET, 'utf8'));

  it('every shipped intent has a route', () => {
    for (const e of shipped) expect(routeOf.has(e.label), e.label).toBe(true);
  });

  it('routes ≥ 95% of a held-out 20% slice of the shipped training set', () => {
    const [train, test] = stratifiedSplit(shipped, 0.2, 11);
    const accuracy = routeAccuracy(train, test);
    console.log(`bitext held-out 20% route accuracy: ${(accuracy * 100).toFixed(2)}% (n=${test.length})`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  describe.skipIf(!existsSync(BITEXT))('against the Bitext rows not shipped (needs ../shared/data)', () => {
    it('routes ≥ 95% of them', () => {
      const seen = new Set(shipped.map((e) => e.text));
      const unseen = readExamples(BITEXT).filter((e) => !seen.has(e.text.trim().replace(/\s+/g, ' ')));
      expect(unseen.length).toBeGreaterThan(1000);
      const accuracy = routeAccuracy(shipped, unseen);
      console.log(`bitext unshipped rows route accuracy: ${(accuracy * 100).toFixed(2)}% (n=${unseen.length})`);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
    });
  });
});
