/**
 * The default deployment's agent graph (the Northwind Outfitters demo store): triage and five
 * specialists. Routes follow ../shared/data/README.md; intents are the labels of the triage
 * classifier (Bitext intents plus the store-policy examples below).
 */
import { defineAgentGraph } from '../agents/graph.ts';
import { writtenExamples } from './triage/written-examples.ts';

export const agentGraph = defineAgentGraph({
  triage: {
    instructions:
      'You are the triage agent of Northwind Outfitters customer support. Read the customer message and transfer ' +
      'it to exactly one specialist: orders (status, tracking, changing or cancelling an order, delivery time, ' +
      'shipping address), billing (invoices, payment problems, refunds and their status, fees), account (sign-up, ' +
      'login, password, profile, deleting the account, newsletter), faq (store policies: returns, shipping options, ' +
      'payment methods, opening hours, warranty, contact options, reviews) or escalation (complaints, a request for ' +
      'a person, anything you cannot place). Never answer yourself.',
    confidenceThreshold: 0.6,
    fallbackRoute: 'escalation',
    knowledgeRoute: 'faq',
    intents: {
      cancel_order: 'orders',
      change_order: 'orders',
      place_order: 'orders',
      track_order: 'orders',
      delivery_period: 'orders',
      change_shipping_address: 'orders',
      set_up_shipping_address: 'orders',
      check_invoice: 'billing',
      check_invoices: 'billing',
      get_invoice: 'billing',
      payment_issue: 'billing',
      get_refund: 'billing',
      track_refund: 'billing',
      check_cancellation_fee: 'billing',
      create_account: 'account',
      delete_account: 'account',
      edit_account: 'account',
      recover_password: 'account',
      registration_problems: 'account',
      switch_account: 'account',
      newsletter_subscription: 'account',
      complaint: 'escalation',
      contact_human_agent: 'escalation',
      check_refund_policy: 'faq',
      delivery_options: 'faq',
      check_payment_methods: 'faq',
      contact_customer_service: 'faq',
      review: 'faq',
      store_policy: 'faq',
    },
    examples: writtenExamples,
    languages: ['en'],
    replies: {
      greeting: 'Hi! How can I help you today? I can check on an order, or answer questions about returns, shipping, payments and your account.',
      thanks: "You're welcome! Is there anything else I can help with?",
      goodbye: 'Thanks for contacting Northwind Outfitters. Have a great day!',
      acknowledgement: 'Great. Is there anything else I can help with?',
      bot_identity:
        "I'm the Northwind Outfitters virtual assistant. I can answer most questions right away, and a person from our support team takes over whenever needed. How can I help?",
      unclear: "Sorry, I didn't quite understand that. Could you say it in other words? For example: \"Where is my order NW-12345?\" or \"How do I return an item?\"",
      empty: 'It looks like your message was empty. What can I help you with?',
      unanswerable:
        "I don't have a reliable answer to that in our help centre, so I've passed your question to our support team (ticket {{ticket_id}}). A person will reply here soon.",
      other_language:
        "Thanks for your message. Our assistant answers in English only, so I've passed it to our support team (ticket {{ticket_id}}), who will reply as soon as possible.",
      also_noted: 'You also asked about something else: just send it as a separate question and I will help with that too.',
    },
  },
  orderIdPattern: '\\b(NW)[- ]?(\\d{5})\\b',
  agents: [
    {
      name: 'orders',
      route: 'orders',
      kind: 'orders',
      description: 'Order status, tracking, delivery times, changes and cancellations.',
      instructions:
        'You help with existing orders. Always look the order up with lookup_order before saying anything about it; ' +
        'if the customer gave no order id, ask for it (format NW-12345). Cancellations and address changes need a ' +
        'person: open a ticket with create_ticket. Never invent tracking numbers or dates.',
      tools: ['lookup_order', 'verify_order_email', 'orders_for_email', 'create_ticket', 'search_knowledge'],
      handoffs: ['escalation'],
      knowledgeIntents: ['place_order', 'delivery_options'],
      cases: {
        missing_parcel: {
          patterns: [
            "(never|not|haven'?t|hasn'?t|didn'?t|did not|have not|has not)\\s+(yet\\s+)?(got|gotten|get|received?|arrived?|come|came|shown up|turned up)",
            '\\b(missing|stolen|lost)\\b.*\\b(parcel|package|order|delivery)\\b',
            '\\b(parcel|package|order|delivery)\\b.*\\b(missing|stolen|lost)\\b',
            'says? (it was |it\'?s |its )?delivered but',
            'marked (as )?delivered',
            'not (here|there) (yet|but)',
          ],
          statuses: ['delivered'],
          search: 'marked as delivered but not there parcel missing',
          ticket: {
            category: 'missing_parcel',
            priority: 'high',
            reply:
              "I'm sorry your parcel hasn't turned up. Order {{order_id}} is marked as delivered on {{delivered_date}}. Here is what to do:\n\n{{procedure}}\n\nI've opened a ticket ({{ticket_id}}) so our team can start a trace with {{carrier}} if it is still missing.",
          },
        },
        damaged_item: {
          patterns: ['\\b(damaged|broken|torn|ripped|crushed|smashed|defective|faulty|stained|arrived (broken|damaged))\\b'],
          search: 'damaged parcel or item photos replacement',
          ticket: {
            category: 'damaged_item',
            priority: 'high',
            reply: "I'm sorry order {{order_id}} arrived damaged.\n\n{{procedure}}\n\nI've opened a ticket ({{ticket_id}}); reply here with photos of the packaging and the item and our team will arrange the replacement or refund.",
          },
        },
        wrong_item: {
          patterns: [
            '\\bwrong (item|size|colou?r|product|thing|order|shoes?|jacket)\\b',
            '\\b(got|received|sent me|came with)\\b.{0,60}\\binstead\\b',
            '\\bonly\\b.{0,60}\\b(i|we) ordered\\b',
            '\\b(i|we) ordered\\b.{0,60}\\b(but|only)\\b.{0,30}\\b(got|received|came|arrived|was in)\\b',
            'not what i ordered', "(isn'?t|is not|wasn'?t|was not) what i ordered", '\\bitem (is )?missing from\\b', 'missing (an )?item'],
          search: 'wrong or missing item in your order',
          ticket: {
            category: 'wrong_item',
            priority: 'high',
            reply: "Sorry about the mix-up with order {{order_id}}.\n\n{{procedure}}\n\nI've opened a ticket ({{ticket_id}}) so our team sends the right item.",
          },
        },
      },
      tickets: {
        cancel_order: {
          category: 'cancellation',
          priority: 'high',
          reply: 'I\'ve asked our team to cancel order {{order_id}} (ticket {{ticket_id}}). Orders that have not shipped yet can almost always be cancelled; you\'ll get a confirmation by email.',
        },
        change_order: {
          category: 'order_change',
          reply: 'I\'ve passed your change for order {{order_id}} to our team (ticket {{ticket_id}}). They\'ll confirm once it\'s done.',
        },
        change_shipping_address: {
          category: 'address_change',
          priority: 'high',
          reply: 'I\'ve asked our team to update the delivery address of order {{order_id}} (ticket {{ticket_id}}). Please reply with the full new address if you haven\'t yet.',
        },
        set_up_shipping_address: {
          category: 'address_change',
          reply: 'I\'ve asked our team to update the delivery address of order {{order_id}} (ticket {{ticket_id}}).',
        },
      },
      templates: {
        ask_order_id: 'I can check that for you. What is your order number? It looks like NW-12345 and is in your confirmation email.',
        not_found: 'I couldn\'t find an order {{order_id}}. Could you double-check the number? It looks like NW-12345.',
        processing: 'Order {{order_id}} ({{items}}) is being prepared in our warehouse. It should ship within 1–2 business days.',
        shipped: 'Order {{order_id}} ({{items}}) shipped on {{shipped_date}} with {{carrier}}, tracking number {{tracking_number}}. Expected delivery: {{eta}}.',
        delivered: 'Order {{order_id}} ({{items}}) was delivered on {{delivered_date}}. If anything is missing or damaged, just tell me.',
        cancelled: 'Order {{order_id}} was cancelled. If a payment was taken, the refund goes back to the original payment method within 5–10 business days.',
        returned: 'We received the return of order {{order_id}}. Refunds go back to the original payment method within 5–10 business days.',
        ask_email:
          'To keep your order details private, please tell me the email address you used for order {{order_id}}.',
        email_mismatch:
          "I couldn't find an order {{order_id}} with that email address. Please check the order number and the email you used when ordering.",
        verification_failed:
          "I couldn't verify order {{order_id}} with the details given, so I've passed this to our support team (ticket {{ticket_id}}); a person will help you here.",
        not_found_for_you:
          "I couldn't find an order {{order_id}} under your contact details. Could you double-check the number? It looks like NW-12345.",
        cannot_cancel_shipped: 'Order {{order_id}} has already shipped, so it can\'t be cancelled any more, but you can return it free of charge within 30 days of delivery.',
      },
    },
    {
      name: 'billing',
      route: 'billing',
      kind: 'knowledge',
      description: 'Invoices, payment problems, refunds and fees.',
      instructions:
        'You help with invoices, payments and refunds. Answer from the knowledge base (search_knowledge). A refund ' +
        'that has not arrived, a charge the customer does not recognise or a failed payment needs a person: open a ' +
        'ticket with create_ticket and say so.',
      tools: ['search_knowledge', 'lookup_order', 'create_ticket'],
      handoffs: ['escalation'],
      tickets: {
        get_refund: {
          category: 'refund',
          reply: 'I\'ve opened a refund request for you (ticket {{ticket_id}}). Our billing team will check it and get back to you within one business day.',
        },
        track_refund: {
          category: 'refund',
          reply: 'I\'ve asked our billing team to check where your refund is (ticket {{ticket_id}}). Refunds normally reach you 5–10 business days after we process the return.',
        },
        payment_issue: {
          category: 'payment',
          priority: 'high',
          reply: 'Sorry about the payment trouble. I\'ve opened a ticket ({{ticket_id}}) for our billing team; they\'ll look into the charge and reply within one business day.',
        },
      },
      templates: {},
    },
    {
      name: 'account',
      route: 'account',
      kind: 'knowledge',
      description: 'Sign-up, login and password, profile changes, account deletion, newsletter.',
      instructions:
        'You help with customer accounts. Answer from the knowledge base (search_knowledge) with clear steps. ' +
        'Deleting an account needs a person: open a ticket with create_ticket.',
      tools: ['search_knowledge', 'create_ticket'],
      handoffs: ['escalation'],
      tickets: {
        delete_account: {
          category: 'account_deletion',
          reply: 'I\'ve asked our team to delete your account (ticket {{ticket_id}}). For your security they\'ll confirm by email before anything is removed.',
        },
      },
      templates: {},
    },
    {
      name: 'faq',
      route: 'faq',
      kind: 'knowledge',
      description: 'Store policies: returns, shipping options, payment methods, opening hours, warranty, contact.',
      instructions:
        'You answer questions about store policies from the knowledge base only (search_knowledge). Quote the facts ' +
        'of the best article; if nothing fits, transfer to escalation.',
      tools: ['search_knowledge'],
      handoffs: ['escalation'],
      tickets: {},
      templates: {},
    },
    {
      name: 'escalation',
      route: 'escalation',
      kind: 'handoff',
      description: 'Complaints, requests for a person, and everything the bots cannot place.',
      instructions:
        'You hand the conversation to a human. Open an escalated ticket with create_ticket summarising the issue, ' +
        'tell the customer a person will reply, and call handoff_to_human.',
      tools: ['create_ticket', 'handoff_to_human'],
      handoffs: [],
      tickets: {
        complaint: {
          category: 'complaint',
          priority: 'high',
          handoff: true,
          reply: 'I\'m sorry about this. I\'ve passed your message to our support team (ticket {{ticket_id}}) and a person will reply here as soon as possible.',
        },
        contact_human_agent: {
          category: 'human_requested',
          handoff: true,
          reply: 'Of course. I\'ve asked a member of our team to take over (ticket {{ticket_id}}); they\'ll reply here shortly.',
        },
        unsure: {
          category: 'unrouted',
          handoff: true,
          reply: 'Thanks for your message. I want to make sure you get the right answer, so I\'ve passed it to our support team (ticket {{ticket_id}}); a person will reply here soon.',
        },
      },
      templates: {},
    },
  ],
});
