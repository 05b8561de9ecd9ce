/** What customers write; escalations are left out so every message is answered by the agents. */
export const BENCH_MESSAGES = [
  'Where is my order NW-10003?',
  'hi, can you tell me when order NW-10007 will arrive?',
  'What is your return policy?',
  'How much does shipping cost?',
  'Do you accept PayPal?',
  'I forgot my password, how do I reset it?',
  'Can I get an invoice for my last purchase?',
  'how do i change the email on my account',
  'Do you ship to Canada?',
  'what are your opening hours on saturday',
  'is there a warranty on jackets?',
  'I want to cancel order NW-10014',
];
