import { describe, expect, it } from 'vitest';
import { verificationFrom, verificationState } from './tools.ts';

describe('order verification in the agent state', () => {
  it('round-trips verified orders and wrong attempts', () => {
    const saved = verificationState({ verified: new Set(['NW-10001', 'NW-10002']), failures: 2 });
    expect(saved).toEqual({ verified: ['NW-10001', 'NW-10002'], failures: 2 });
    const restored = verificationFrom({ agent: 'orders', orderVerification: JSON.parse(JSON.stringify(saved)) });
    expect([...restored.verified]).toEqual(['NW-10001', 'NW-10002']);
    expect(restored.failures).toBe(2);
  });

  it('reads nothing verified and no attempts from a missing or malformed state', () => {
    for (const state of [null, {}, { orderVerification: 'yes' }, { orderVerification: { verified: 'NW-10001', failures: '3' } }]) {
      const v = verificationFrom(state as Record<string, unknown> | null);
      expect([...v.verified]).toEqual([]);
      expect(v.failures).toBe(0);
    }
    const mixed = verificationFrom({ orderVerification: { verified: ['NW-10001', 7, null], failures: -4 } });
    expect([...mixed.verified]).toEqual(['NW-10001']);
    expect(mixed.failures).toBe(0);
    expect(verificationFrom({ orderVerification: { verified: [], failures: 2.7 } }).failures).toBe(2);
  });
});
