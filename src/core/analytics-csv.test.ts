import { describe, expect, it } from 'vitest';
import type { Analytics, ChannelMetrics } from './analytics.ts';
import { analyticsCsv } from './analytics-csv.ts';

const metrics = (conversations: number, botResolutionRate: number | null): ChannelMetrics => ({
  conversations,
  messagesIn: conversations * 2,
  messagesOut: { bot: conversations, human: 1 },
  handoffs: 1,
  escalated: 0,
  escalationRate: 1 / conversations,
  resolved: { bot: conversations - 1, human: 1 },
  botResolutionRate,
  firstResponseMs: { bot: 1200, human: null },
  resolutionMs: { bot: null, human: 60_000 },
  csat: { average: 4.5, count: 2 },
});

describe('analytics as CSV', () => {
  it('writes a row per channel and one for all, with the range and SLA attainment on the all row', () => {
    const report: Analytics = {
      since: Date.UTC(2026, 11, 1),
      until: Date.UTC(2026, 11, 8),
      total: metrics(4, 0.75),
      channels: { web: metrics(3, 2 / 3), sms: metrics(1, null) },
      agents: [],
      sla: { firstResponse: { met: 2, missed: 1, rate: 2 / 3 }, resolution: { met: 1, missed: 0, rate: 1 }, daily: [] },
    };
    const lines = analyticsCsv(report).split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['from', 'to', 'channel', 'conversations']);
    expect(lines[1]).toBe('2026-12-01T00:00:00.000Z,2026-12-08T00:00:00.000Z,web,3,6,3,1,1,0,0.3333333333333333,2,1,0.6666666666666666,1200,,,60000,4.5,2,,,,');
    expect(lines[2]!.split(',')[12]).toBe(''); // no rate without outcomes
    expect(lines[3]!.split(',').slice(2)).toEqual(['all', '4', '8', '4', '1', '1', '0', '0.25', '3', '1', '0.75', '1200', '', '', '60000', '4.5', '2', '2', '1', '1', '0']);
    expect(lines[4]).toBe('');
  });
});
