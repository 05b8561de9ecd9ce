/**
 * Words customers use for what help centres call otherwise: "how old" for "16 or older", "swap"
 * for "exchange", "sun" for "Sunday". General English of shopping and support, not any one
 * store's wording: a question's word also counts as found when one of its equivalents is.
 *
 * Words are written plainly; answerability.ts stems them. Each group means one thing.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['old', 'age', 'older', 'aged', 'young', 'younger'],
  ['minimum', 'least', 'min', 'lowest', 'smallest'],
  ['maximum', 'most', 'max', 'highest', 'biggest', 'largest', 'limit', 'upto'],
  ['cost', 'price', 'fee', 'charge', 'pay', 'free', 'expensive', 'cheap'],
  ['swap', 'exchange', 'switch', 'replace'],
  ['shop', 'store', 'branch', 'outlet'],
  ['buy', 'order', 'purchase'],
  ['phone', 'call', 'telephone'],
  ['email', 'mail', 'e-mail'],
  ['money', 'refund', 'reimbursement'],
  ['parcel', 'package', 'delivery', 'shipment'],
  ['arrive', 'deliver', 'receive', 'get'],
  ['quick', 'fast', 'express', 'expedite', 'next-day', 'faster'],
  ['length', 'characters'],
  ['job', 'jobs', 'career', 'hiring', 'hire', 'vacancy'],
  ['discount', 'sale', 'deal', 'promo', 'coupon', 'voucher'],
  ['points', 'rewards', 'loyalty'],
  ['wrap', 'wrapping', 'gift-wrap'],
  ['broken', 'damaged', 'defective', 'faulty'],
  ['size', 'fit', 'sizing'],
  ['cancel', 'cancellation'],
  ['login', 'sign', 'log'],
  ['password', 'passcode'],
  ['invoice', 'receipt', 'bill'],
  ['abroad', 'international', 'overseas', 'worldwide'],
  ['uk', 'united kingdom', 'britain', 'england'],
  ['us', 'usa', 'united states', 'america'],
  ['mon', 'monday'],
  ['tue', 'tues', 'tuesday'],
  ['wed', 'wednesday'],
  ['thu', 'thur', 'thurs', 'thursday'],
  ['fri', 'friday'],
  ['sat', 'saturday', 'weekend'],
  ['sun', 'sunday', 'weekend'],
  ['wore', 'worn', 'wear', 'unworn'],
  ['window', 'period', 'timeframe', 'deadline', 'within'],
  ['report', 'contact', 'tell', 'notify', 'inform'],
  ['fix', 'change', 'edit', 'correct', 'modify', 'amend'],
  ['combine', 'merge', 'stack', 'together'],
  ['gone', 'deleted', 'removed', 'erased'],
  ['legit', 'genuine', 'scam', 'phishing', 'fraud'],
  ['catch', 'condition', 'conditions', 'terms', 'rules'],
  ['agent', 'representative', 'advisor', 'team'],
];

