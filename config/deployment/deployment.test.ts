import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DEPLOYMENT_DIR, DeploymentError, loadDeployment } from './index.ts';

const BIKE_SHOP = join(import.meta.dirname, '../../test/fixtures/deployments/bike-shop');
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the bike shop with one file's text changed. */
function variant(file: string, change: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fd-deployment-'));
  made.push(dir);
  cpSync(BIKE_SHOP, dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
  return dir;
}

/** The 1-based line of the first line of `file` in `dir` containing `needle`. */
function lineOf(dir: string, file: string, needle: string): number {
  const index = readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function problems(dir: string): string[] {
  try {
    loadDeployment(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as DeploymentError).message).toMatch(/^Invalid deployment /);
    return (error as DeploymentError).problems;
  }
  throw new Error('expected the deployment to be refused');
}

describe('loadDeployment', () => {
  it('loads the demo and the bike shop with their own graphs, articles and training', () => {
    const demo = loadDeployment();
    expect(demo).toMatchObject({ dir: DEMO_DEPLOYMENT_DIR.replace(/\/$/, ''), isDemo: true });
    expect(demo.graph.approvals).toEqual(['cancel_order', 'get_refund']);
    expect(demo.articles.length).toBeGreaterThan(30);
    const bikes = loadDeployment(BIKE_SHOP);
    expect(bikes.isDemo).toBe(false);
    expect(bikes.graph.triage).toMatchObject({ fallbackRoute: 'people', confidenceThreshold: 0.5, languages: ['en'] });
    expect(bikes.articles).toHaveLength(8);
    // CSV and JSONL both count: the repairs examples are in workshop.csv.
    expect(bikes.graph.triage.examples.book_repair).toContain("I'd like to book a service for my bike");
    expect(bikes.training.base).toEqual([]);
  });

  it('reports malformed YAML with the file and line', () => {
    const dir = variant('agents.yaml', (t) => t.replace('  fallbackRoute: people', '  fallbackRoute: [people'));
    const [problem] = problems(dir);
    expect(problem).toMatch(/^agents\.yaml:\d+:\d+: invalid YAML: /);
    const line = Number(/^agents\.yaml:(\d+)/.exec(problem!)![1]);
    // The parser notices the open bracket on its own line or the next ones.
    expect(line).toBeGreaterThanOrEqual(lineOf(dir, 'agents.yaml', 'fallbackRoute: [people'));
  });

  it('reports an unknown tool at its line with the tools it could be', () => {
    const dir = variant('agents.yaml', (t) => t.replace('tools: [search_knowledge, create_ticket, check_warranty', 'tools: [search_knowledge, book_in_calendar, check_warranty'));
    expect(problems(dir)).toEqual([
      `agents.yaml:${lineOf(dir, 'agents.yaml', 'book_in_calendar')}: agents[0].tools[1]: unknown tool book_in_calendar (built-in: search_knowledge, lookup_order, verify_order_email, orders_for_email, create_ticket, handoff_to_human; actions: check_warranty, book_repair)`,
    ]);
  });

  it('checks custom actions: names, templates, the JSON Schema and credentials, each at its line', () => {
    const dir = variant('agents.yaml', (t) =>
      t
        .replace('url: https://api.spokeandchain.example/v1/warranty/{serial}', 'url: https://{region}.spokeandchain.example/v1/warranty/{serial_no}?by={customer.name}')
        .replace("      date: '{preferred_date}'", "      date: '{preferred_date}'\n      note: '{notes}'")
        .replace('          type: string\n          enum: [basic_service', '          type: text\n          enum: [basic_service')
        .replace('      value: Bearer ${BIKE_SHOP_API_TOKEN}\n    returns: [model', '      value: Bearer sk-live-123\n    returns: [model'),
    );
    const line = (needle: string) => lineOf(dir, 'agents.yaml', needle);
    const found = problems(dir);
    expect(found).toEqual(
      expect.arrayContaining([
        `agents.yaml:${line('type: text')}: actions[1].parameters.properties.service.type: must be a JSON Schema type (string, number, integer, boolean, object, array, null) or a list of them`,
        `agents.yaml:${line('{serial_no}')}: actions[0].url: placeholder {serial_no} is not a parameter (parameters: serial)`,
        `agents.yaml:${line('{serial_no}')}: actions[0].url: placeholder {region} is not a parameter (parameters: serial)`,
        `agents.yaml:${line('{serial_no}')}: actions[0].url: placeholder {customer.name} is not a parameter (customer values: customer.email, customer.phone)`,
        `agents.yaml:${line('{serial_no}')}: actions[0].url: placeholders may stand in the path or the query, not in the host`,
        `agents.yaml:${line('sk-live-123')}: actions[0].auth.value: must name an environment variable such as \${WARRANTY_API_TOKEN} (never write the secret in agents.yaml)`,
      ]),
    );
    const fixed = variant('agents.yaml', (t) =>
      t
        .replace('  - name: book_repair\n', '  - name: check_warranty\n')
        .replace('check_warranty, book_repair]', 'check_warranty]')
        .replace("      date: '{preferred_date}'", "      date: '{preferred_date}'\n      note: '{notes}'")
        .replace('pattern: ^[A-Za-z0-9]{8,14}$', 'pattern: ^([A-Za-z0-9]{8,14}$'),
    );
    const lines = readFileSync(join(fixed, 'agents.yaml'), 'utf8').split('\n');
    const second = lines.findIndex((l, i) => l === '  - name: check_warranty' && i > lines.indexOf('  - name: check_warranty')) + 1;
    expect(problems(fixed)).toEqual([
      `agents.yaml:${lineOf(fixed, 'agents.yaml', '        serial:')}: actions[0].parameters.properties.serial: not a usable JSON Schema: Invalid regular expression: /^([A-Za-z0-9]{8,14}$/: Unterminated group`,
      `agents.yaml:${lineOf(fixed, 'agents.yaml', "note: '{notes}'")}: actions[1].body.note: placeholder {notes} is not a parameter (parameters: service, preferred_date)`,
      `agents.yaml:${second}: actions[1].name: check_warranty is already the name of another action; pick another`,
    ]);
  });

  it('refuses an action named like a built-in tool, and an unset credential when asked to check them', () => {
    const dir = variant('agents.yaml', (t) => t.replace('  - name: book_repair\n', '  - name: create_ticket\n').replace('check_warranty, book_repair]', 'check_warranty, create_ticket]'));
    expect(problems(dir)).toEqual([`agents.yaml:${lineOf(dir, 'agents.yaml', '- name: create_ticket')}: actions[1].name: create_ticket is already the name of a built-in tool; pick another`]);
    const env: Record<string, string> = {};
    expect(() => loadDeployment(BIKE_SHOP, { secret: (name) => env[name] })).toThrow(
      `agents.yaml:${lineOf(BIKE_SHOP, 'agents.yaml', 'Bearer ${BIKE_SHOP_API_TOKEN}')}: actions[0].auth.value: environment variable BIKE_SHOP_API_TOKEN is not set (the credentials of action check_warranty)`,
    );
    env.BIKE_SHOP_API_TOKEN = 'secret';
    expect(loadDeployment(BIKE_SHOP, { secret: (name) => env[name] }).graph.actions.map((a) => a.name)).toEqual(['check_warranty', 'book_repair']);
  });

  it('reports a route no agent serves, and an intent mapped to a missing route', () => {
    const dir = variant('agents.yaml', (t) => t.replace('  fallbackRoute: people', '  fallbackRoute: nobody').replace('    book_repair: repairs', '    book_repair: workshop'));
    expect(problems(dir)).toEqual([
      `agents.yaml:${lineOf(dir, 'agents.yaml', 'book_repair: workshop')}: triage.intents.book_repair: intent book_repair routes to workshop, which no agent serves (routes: repairs, orders, billing, faq, people)`,
      `agents.yaml:${lineOf(dir, 'agents.yaml', 'fallbackRoute: nobody')}: triage.fallbackRoute: no agent serves the fallback route nobody (routes: repairs, orders, billing, faq, people)`,
    ]);
  });

  it('refuses a deployment without kb/', () => {
    const dir = variant('deployment.yaml', (t) => t);
    rmSync(join(dir, 'kb'), { recursive: true });
    expect(problems(dir)).toEqual([expect.stringMatching(/^kb\/: missing directory \(expected the knowledge base/)]);
  });

  it('checks deployment.yaml: ranges, time zones, unknown keys and the order mapping, each at its line', () => {
    const dir = variant('deployment.yaml', (t) =>
      t
        .replace('confidenceThreshold: 0.5', 'confidenceThreshold: 5')
        .replace('timeZone: Europe/Amsterdam', 'timeZone: Mars/Olympus')
        .replace('channels: [web, sms]', 'channels: [web, sms]\nchanels: [email]')
        .replace('      contactEmail: buyer.email', '      contactEmail: buyer..email'),
    );
    const found = problems(dir);
    expect(found).toContain(`deployment.yaml:${lineOf(dir, 'deployment.yaml', 'confidenceThreshold')}: confidenceThreshold: Too big: expected number to be <=1`);
    expect(found).toContain(`deployment.yaml:${lineOf(dir, 'deployment.yaml', 'Mars/Olympus')}: hours.timeZone: must be an IANA time zone such as Europe/Berlin`);
    expect(found).toContainEqual(expect.stringMatching(/^deployment\.yaml:\d+: Unrecognized key: "chanels"/));
    expect(found).toContainEqual(
      expect.stringMatching(new RegExp(`^deployment\\.yaml:${lineOf(dir, 'deployment.yaml', 'buyer..email')}: orders\\.mapping\\.fields\\.contactEmail\\.path: must be a dotted path`)),
    );
  });

  it('calls a key left out required, with the type it needs', () => {
    const dir = variant('deployment.yaml', (t) => t.replace(/^  name: .*\n/m, ''));
    expect(problems(dir)).toEqual([`deployment.yaml:${lineOf(dir, 'deployment.yaml', 'brand:')}: brand.name: required (string)`]);
  });

  it('reads SLA targets as business time and checks them at their lines', () => {
    const sla = 'sla:\n  firstResponse: { urgent: 30m, high: 1h30m }\n  resolution:\n    normal: 2d\nassignment: round-robin\n';
    const dir = variant('deployment.yaml', (t) => `${t}${sla}`);
    expect(problems(dir)).toEqual([`deployment.yaml:${lineOf(dir, 'deployment.yaml', 'normal: 2d')}: sla.resolution.normal: must be a duration such as 30m, 4h or 1h30m`]);
    const good = variant('deployment.yaml', (t) => `${t}${sla.replace('2d', '16h')}`);
    expect(loadDeployment(good).settings).toMatchObject({
      sla: { firstResponse: { urgent: 30 * 60_000, high: 90 * 60_000 }, resolution: { normal: 16 * 3_600_000 }, dueSoon: 3_600_000 },
      assignment: 'round-robin',
    });
    const notice = variant('deployment.yaml', (t) => t.replace('  timeZone: Europe/Amsterdam', '  timeZone: Europe/Amsterdam\n  closedNotice: We are out.'));
    expect(problems(notice)).toEqual([`deployment.yaml:${lineOf(notice, 'deployment.yaml', 'closedNotice')}: hours.closedNotice: must say when people are back with {{opens}}`]);
  });

  it('names the file and line of a training example whose label no route knows', () => {
    const dir = variant('training/examples.jsonl', (t) => `${t}{"text":"do you sell unicycles","label":"unicycles"}\n`);
    expect(problems(dir)).toEqual([`training/examples.jsonl:${lineOf(dir, 'training/examples.jsonl', 'unicycles')}: label unicycles is neither an intent of agents.yaml (triage.intents) nor a route`]);
  });

  it('refuses settings that belong elsewhere, and a directory that is not there', () => {
    const dir = variant('agents.yaml', (t) => t.replace('  fallbackRoute: people', '  fallbackRoute: people\n  languages: [en, nl]'));
    expect(problems(dir)).toEqual([`agents.yaml:${lineOf(dir, 'agents.yaml', 'languages: [en, nl]')}: triage.languages: not allowed here (set languages in deployment.yaml)`]);
    expect(() => loadDeployment(join(tmpdir(), 'no-such-deployment-here'))).toThrow(/no-such-deployment-here: no such directory \(FRONTDESK_DEPLOYMENT must name a deployment directory/);
    const copy = variant('deployment.yaml', (t) => t);
    expect(() => loadDeployment(join(copy, 'deployment.yaml'))).toThrow(`deployment.yaml: a file, not a directory (FRONTDESK_DEPLOYMENT names the directory that holds deployment.yaml: set it to ${copy})`);
  });
});
