/**
 * The analytics report as CSV for a spreadsheet: one row per channel with any activity and one for
 * all channels, the range on every row; times in ms, rates as fractions. SLA attainment is kept for
 * all channels only (the report has no per-channel split of it), so channel rows leave it empty.
 */
import type { Analytics, ChannelMetrics, SlaShare } from './analytics.ts';
import { csvRow } from './csv.ts';

export const ANALYTICS_CSV_HEADER = [
  'from',
  'to',
  'channel',
  'conversations',
  'messages_in',
  'messages_out_bot',
  'messages_out_human',
  'handoffs',
  'escalated',
  'escalation_rate',
  'resolved_bot',
  'resolved_human',
  'bot_resolution_rate',
  'first_response_bot_ms',
  'first_response_human_ms',
  'resolution_bot_ms',
  'resolution_human_ms',
  'csat_average',
  'csat_count',
  'sla_first_response_met',
  'sla_first_response_missed',
  'sla_resolution_met',
  'sla_resolution_missed',
] as const;

function metricsRow(m: ChannelMetrics) {
  return [
    m.conversations,
    m.messagesIn,
    m.messagesOut.bot,
    m.messagesOut.human,
    m.handoffs,
    m.escalated,
    m.escalationRate,
    m.resolved.bot,
    m.resolved.human,
    m.botResolutionRate,
    m.firstResponseMs.bot,
    m.firstResponseMs.human,
    m.resolutionMs.bot,
    m.resolutionMs.human,
    m.csat.average,
    m.csat.count,
  ];
}

const shares = (first: SlaShare, resolution: SlaShare) => [first.met, first.missed, resolution.met, resolution.missed];

export function analyticsCsv(report: Analytics): string {
  const range = [new Date(report.since).toISOString(), new Date(report.until).toISOString()];
  const rows = Object.entries(report.channels).map(([channel, m]) => csvRow([...range, channel, ...metricsRow(m), null, null, null, null]));
  const all = csvRow([...range, 'all', ...metricsRow(report.total), ...shares(report.sla.firstResponse, report.sla.resolution)]);
  return csvRow(ANALYTICS_CSV_HEADER) + rows.join('') + all;
}
