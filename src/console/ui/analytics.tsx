/** Support metrics over a chosen range: volume per channel per day (uPlot), bot vs human figures, CSAT. */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AgentMetrics, Analytics as Metrics, ChannelMetrics, SlaShare } from '../../core/analytics.ts';
import { api, formatDuration, percent, queryString } from './api.ts';
import type { Me } from './main.tsx';

type Report = Metrics & { daily: { day: string; channel: string; count: number }[] };

const DAY = 86_400_000;
const COLORS: Record<string, string> = { web: '#2f5d50', sms: '#bc4c00', email: '#0969da', slack: '#8250df' };

function VolumeChart({ report }: { report: Report }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const days: string[] = [];
    for (let t = Date.parse(new Date(report.since).toISOString().slice(0, 10)); t <= report.until; t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
    const channels = [...new Set(report.daily.map((d) => d.channel))].sort();
    const series = channels.map((channel) => days.map((day) => report.daily.find((d) => d.day === day && d.channel === channel)?.count ?? 0));
    const plot = new uPlot(
      {
        width: Math.min(900, box.current.clientWidth || 900),
        height: 260,
        series: [{}, ...channels.map((channel) => ({ label: channel, stroke: COLORS[channel] ?? '#555', width: 2 }))],
        axes: [{}, { label: 'conversations' }],
        scales: { x: { time: true } },
      },
      [days.map((d) => Date.parse(d) / 1000), ...series],
      box.current,
    );
    return () => plot.destroy();
  }, [report]);
  return <div ref={box} class="chart" role="img" aria-label="Conversations per channel per day" />;
}

function Row({ name, m }: { name: string; m: ChannelMetrics }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{m.conversations}</td>
      <td>{percent(m.botResolutionRate)}</td>
      <td>{percent(m.escalationRate)}</td>
      <td>{formatDuration(m.firstResponseMs.bot)}</td>
      <td>{formatDuration(m.firstResponseMs.human)}</td>
      <td>{formatDuration(m.resolutionMs.bot)}</td>
      <td>{formatDuration(m.resolutionMs.human)}</td>
      <td>{m.csat.average === null ? '—' : `${m.csat.average.toFixed(2)} (${m.csat.count})`}</td>
    </tr>
  );
}

/** What each person did in the range: conversations replied in, resolved, median first response. */
function AgentTable({ agents }: { agents: AgentMetrics[] }) {
  if (agents.length === 0) return <p>No replies from people in this range.</p>;
  return (
    <table class="list" data-table="agents">
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">Conversations handled</th>
          <th scope="col">Resolved</th>
          <th scope="col">Median first response</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.userId}>
            <th scope="row">{a.name ?? 'Former user'}</th>
            <td>{a.handled}</td>
            <td>{a.resolved}</td>
            <td>{formatDuration(a.medianFirstResponseMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One SLA target's attainment: the share met of those settled (met or missed; a ticket waiting on the customer is neither). */
function SlaCard({ name, share, metric }: { name: string; share: SlaShare; metric: string }) {
  return (
    <div class="card">
      <span>{name}</span>
      <strong data-metric={metric}>{percent(share.rate)}</strong>
      <small>
        {share.met} met · {share.missed} missed
      </small>
    </div>
  );
}

/** Downloads of the range shown: the figures for everyone; conversations and tickets (every customer's data at once) for admins. */
function Exports({ report, me }: { report: Report; me: Me }) {
  const range = { from: new Date(report.since).toISOString(), to: new Date(report.until).toISOString() };
  return (
    <>
      <a class="button" href={`/v1/analytics.csv${queryString({ since: report.since, until: report.until })}`} download>
        Export analytics CSV
      </a>
      {me.role === 'admin' && (
        <>
          <a class="button" href={`/v1/exports/conversations${queryString(range)}`} download>
            Conversations CSV
          </a>
          <a class="button" href={`/v1/exports/tickets${queryString(range)}`} download>
            Tickets CSV
          </a>
        </>
      )}
    </>
  );
}

export function Analytics({ me }: { me: Me }) {
  const [days, setDays] = useState(30);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const until = Date.now();
    api<Report>('GET', `/v1/analytics${queryString({ since: until - days * DAY, until })}`)
      .then(setReport)
      .catch((e: Error) => setError(e.message));
  }, [days]);
  const total = report?.total;
  return (
    <section aria-labelledby="analytics-title">
      <h1 id="analytics-title">Analytics</h1>
      <div class="filters">
        <label>
          Range{' '}
          <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
            <option value={1}>Last 24 hours</option>
            <option value={7}>Last 7 days</option>
            <option value={30}>Last 30 days</option>
            <option value={90}>Last 90 days</option>
          </select>
        </label>
        {report && <Exports report={report} me={me} />}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {report && total && (
        <>
          <div class="cards">
            <div class="card">
              <span>Conversations</span>
              <strong data-metric="conversations">{total.conversations}</strong>
            </div>
            <div class="card">
              <span>Bot resolution rate</span>
              <strong data-metric="bot-resolution">{percent(total.botResolutionRate)}</strong>
            </div>
            <div class="card">
              <span>Escalation rate</span>
              <strong data-metric="escalation">{percent(total.escalationRate)}</strong>
            </div>
            <div class="card">
              <span>First response (bot / human)</span>
              <strong>
                {formatDuration(total.firstResponseMs.bot)} / {formatDuration(total.firstResponseMs.human)}
              </strong>
            </div>
            <div class="card">
              <span>Resolution time (bot / human)</span>
              <strong>
                {formatDuration(total.resolutionMs.bot)} / {formatDuration(total.resolutionMs.human)}
              </strong>
            </div>
            <div class="card">
              <span>CSAT</span>
              <strong data-metric="csat">{total.csat.average === null ? '—' : `${total.csat.average.toFixed(1)} / 5`}</strong>
              <small data-metric="csat-count">{total.csat.count} ratings</small>
            </div>
            <SlaCard name="First replies on time" share={report.sla.firstResponse} metric="sla-first-response" />
            <SlaCard name="Resolved on time" share={report.sla.resolution} metric="sla-resolution" />
          </div>
          <h2>Volume per channel per day</h2>
          <VolumeChart report={report} />
          <h2>By channel</h2>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Conversations</th>
                <th scope="col">Bot resolution</th>
                <th scope="col">Escalation</th>
                <th scope="col">1st response bot</th>
                <th scope="col">1st response human</th>
                <th scope="col">Resolution bot</th>
                <th scope="col">Resolution human</th>
                <th scope="col">CSAT</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(report.channels).map(([name, m]) => (
                <Row key={name} name={name} m={m} />
              ))}
              <Row name="all" m={total} />
            </tbody>
          </table>
          <h2>By agent</h2>
          <AgentTable agents={report.agents} />
        </>
      )}
    </section>
  );
}
