import { describe, expect, it } from 'vitest';
import { fillPlaceholders } from './canned-replies.ts';

describe('fillPlaceholders', () => {
  it('fills known placeholders, spaces inside the braces allowed', () => {
    expect(fillPlaceholders('Hi {{contact.name}}, {{ agent.name }} here about {{ticket.number}}.', { 'contact.name': 'Aisha', 'agent.name': 'Dana', 'ticket.number': '#1042' })).toBe(
      'Hi Aisha, Dana here about #1042.',
    );
  });

  it('keeps a placeholder without a value, and unknown ones, for the person to fill', () => {
    expect(fillPlaceholders('Hi {{contact.name}}, see {{ticket.number}} {{order.id}} {{constructor.name}}', { 'contact.name': null })).toBe(
      'Hi {{contact.name}}, see {{ticket.number}} {{order.id}} {{constructor.name}}',
    );
  });

  it('inserts values literally, never as further placeholders or replacement patterns', () => {
    expect(fillPlaceholders('{{contact.name}} / {{agent.name}}', { 'contact.name': '$& {{agent.name}}', 'agent.name': 'Dana' })).toBe('$& {{agent.name}} / Dana');
  });
});
