/** The Bitext intents' routes in the default deployment, and route accuracy measured on them. */
import { trainClassifier, type Example } from '../../agents/engines/local/classifier/index.ts';

// The route map of the default deployment (../shared/data/README.md), inline on purpose: the tests
// check the classifier against the published mapping, not against whatever config says today.
const ROUTES: Record<string, string[]> = {
  orders: ['cancel_order', 'change_order', 'place_order', 'track_order', 'delivery_period', 'change_shipping_address', 'set_up_shipping_address'],
  billing: ['check_invoice', 'check_invoices', 'get_invoice', 'payment_issue', 'get_refund', 'track_refund', 'check_cancellation_fee'],
  account: ['create_account', 'delete_account', 'edit_account', 'recover_password', 'registration_problems', 'switch_account', 'newsletter_subscription'],
  escalation: ['complaint', 'contact_human_agent'],
  faq: ['check_refund_policy', 'delivery_options', 'check_payment_methods', 'contact_customer_service', 'review'],
};
export const routeOf = new Map(Object.entries(ROUTES).flatMap(([route, intents]) => intents.map((i) => [i, route] as const)));

/** Trains on `train` and returns the share of `test` whose predicted intent lands on the right route. */
export function routeAccuracy(train: Example[], test: Example[]): number {
  const clf = trainClassifier(train, { seed: 3 });
  let right = 0;
  for (const e of test) if (routeOf.get(clf.predict(e.text).label) === routeOf.get(e.label)) right++;
  return right / test.length;
}
