import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CustomAction } from '../../agents/actions.ts';
import { loadDeployment } from '../../config/deployment/index.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { BIKE_SHOP_DIR } from '../../test/support/deployment.ts';
import { sendJson, startLocalHttp, type LocalHttpServer, type RecordedRequest } from '../../test/support/local-http.ts';
import { createActionCaller } from './http.ts';

const TOKEN = 'bk_live_7f3a9c2e51d04b68';
const BIKE_API = 'https://api.spokeandchain.example';
const fixtureActions = loadDeployment(BIKE_SHOP_DIR).graph.actions;
const MARIA = { 'customer.email': 'maria@example.com' };

let server: LocalHttpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** The bike shop's actions pointed at a local server speaking its API, and a caller logging into `lines`. */
async function shop(handle: (req: RecordedRequest, res: ServerResponse) => void, extra: CustomAction[] = []) {
  server = await startLocalHttp(handle);
  const url = server.url;
  const actions = [...fixtureActions, ...extra].map((a) => ({ ...a, url: a.url.replace(BIKE_API, url) }));
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const waits: number[] = [];
  const call = createActionCaller(actions, {
    secret: (name) => (name === 'BIKE_SHOP_API_TOKEN' ? TOKEN : undefined),
    logger: createLogger('info', sink),
    sleep: async (ms) => void waits.push(ms),
  });
  const action = (name: string) => actions.find((a) => a.name === name)!;
  return { call, action, lines, waits, requests: server.requests };
}

const warranty = { serial: 'WTU123A4567B', model: 'Gravel 2', covered: true, coverage: { frame_until: '2031-04-02', motor_until: null }, owner: { email: 'maria@example.com', phone: '+31612345678' } };

describe('custom actions on the company API', () => {
  it('sends the validated, URL-encoded arguments with the credentials and passes only the returns fields', async () => {
    const search = CustomAction.parse({
      name: 'find_part',
      description: 'Find a spare part',
      parameters: { type: 'object', properties: { q: { type: 'string', maxLength: 40 }, max: { type: 'integer', minimum: 1 } }, required: ['q'] },
      method: 'GET',
      url: `${BIKE_API}/v1/parts?q={q}`,
      returns: ['parts[0].name'],
    });
    const register = CustomAction.parse({
      name: 'register_bike',
      description: 'Register a bike for theft protection',
      parameters: { type: 'object', properties: { serial: { type: 'string' }, colour: { type: 'string' } }, required: ['serial'] },
      method: 'POST',
      url: `${BIKE_API}/v1/registrations`,
      returns: ['id'],
    });
    const { call, action, requests } = await shop(
      (req, res) => sendJson(res, 200, req.url.startsWith('/v1/parts') ? { parts: [{ name: 'Brake pad', sku: 'BP-1' }] } : req.url === '/v1/registrations' ? { id: 'R-1' } : warranty),
      [search, register],
    );

    expect(await call(action('check_warranty'), { serial: 'WTU123A4567B' }, {})).toEqual({
      ok: true,
      found: true,
      result: { model: 'Gravel 2', covered: true, 'coverage.frame_until': '2031-04-02' },
    });
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/v1/warranty/WTU123A4567B', headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } });

    // A value cannot leave its place in the URL: "a b/&admin=1" stays one query value.
    expect(await call(action('find_part'), { q: 'a b/&admin=1' }, {})).toMatchObject({ ok: true, result: { 'parts[0].name': 'Brake pad' } });
    expect(requests[1]!.url).toBe('/v1/parts?q=a%20b%2F%26admin%3D1');
    expect(requests[1]!.headers.authorization).toBeUndefined();

    // Without a body template a POST sends the arguments, and only those the schema declares.
    expect(await call(action('register_bike'), { serial: 'WTU123A4567B', owner: 'someone@else.example' }, {})).toMatchObject({ ok: true, result: { id: 'R-1' } });
    expect(JSON.parse(requests[2]!.body)).toEqual({ serial: 'WTU123A4567B' });
  });

  it('refuses arguments the schema does not allow, before any request, in words the model can act on', async () => {
    const { call, action, requests } = await shop((_req, res) => sendJson(res, 200, warranty));
    const outcome = await call(action('check_warranty'), { serial: '../../admin' }, {});
    expect(outcome).toMatchObject({ ok: false, reason: 'invalid_arguments' });
    expect(outcome.ok === false && outcome.message).toMatch(/^Invalid arguments for check_warranty: serial: .*pattern.*Ask the customer/);
    expect(await call(action('book_repair'), { service: 'new_frame', preferred_date: '2026-03-02' }, MARIA)).toMatchObject({ ok: false, reason: 'invalid_arguments' });
    expect(await call(action('check_warranty'), 'WTU123A4567B', {})).toMatchObject({ ok: false, reason: 'invalid_arguments' });
    expect(requests).toHaveLength(0);
  });

  it('renders the body template with typed values and the customer’s proven email, and needs that email to book', async () => {
    const { call, action, requests } = await shop((_req, res) => sendJson(res, 201, { booking: { reference: 'WS-4471', drop_off: '2026-03-02T08:30:00+01:00', internal_note: 'VIP' } }));
    expect(await call(action('book_repair'), { service: 'brake_repair', preferred_date: '2026-03-02' }, {})).toMatchObject({ ok: false, reason: 'needs_verified_customer' });
    expect(requests).toHaveLength(0);

    const outcome = await call(action('book_repair'), { service: 'brake_repair', preferred_date: '2026-03-02' }, MARIA);
    expect(outcome).toEqual({ ok: true, found: true, result: { 'booking.reference': 'WS-4471', 'booking.drop_off': '2026-03-02T08:30:00+01:00' } });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/v1/workshop/bookings', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } });
    expect(JSON.parse(requests[0]!.body)).toEqual({ service: 'brake_repair', date: '2026-03-02', contact: 'maria@example.com', channel: 'frontdesk' });
  });

  it('answers "no record" for a 404', async () => {
    const { call, action } = await shop((_req, res) => sendJson(res, 404, { error: 'unknown serial' }));
    expect(await call(action('check_warranty'), { serial: 'WTU000000000' }, {})).toEqual({ ok: true, found: false });
  });

  it('retries a 500 for a GET only, and then says the system is unavailable', async () => {
    const { call, action, requests, waits } = await shop((_req, res) => sendJson(res, 500, { error: 'boom' }));
    const get = await call(action('check_warranty'), { serial: 'WTU123A4567B' }, {});
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([200, 400]);
    expect(get).toEqual({
      ok: false,
      reason: 'unavailable',
      message: 'The warranty system could not be used right now. Tell the customer you cannot do this at the moment, do not guess the answer, and offer to open a ticket or have a person follow up.',
    });
    // A booking sent twice could book twice: a POST is tried once.
    expect(await call(action('book_repair'), { service: 'full_service', preferred_date: '2026-03-02' }, MARIA)).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(requests).toHaveLength(4);
  });

  it('gives up after the action’s timeout, and says a booking may have gone through', async () => {
    const { call, action, requests, lines } = await shop(() => {
      // never answers
    });
    const started = Date.now();
    const outcome = await call({ ...action('check_warranty'), timeoutMs: 150 }, { serial: 'WTU123A4567B' }, {});
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome.ok === false && outcome.message).toMatch(/^The warranty system is not answering right now\. Tell the customer/);
    expect(requests).toHaveLength(1);
    const booking = await call({ ...action('book_repair'), timeoutMs: 150 }, { service: 'full_service', preferred_date: '2026-03-02' }, MARIA);
    expect(booking.ok === false && booking.message).toMatch(/^The workshop calendar is not answering right now\. It is not known whether the request went through\./);
    expect(lines.join('')).toContain('Action check_warranty (GET): no answer within 150 ms (timeoutMs of check_warranty in agents.yaml)');
  });

  it('refuses an HTML page and a huge body without reading it whole, and never logs the credentials, URL or email', async () => {
    const huge = JSON.stringify({ ...warranty, padding: 'x'.repeat(400_000) });
    let answer = 'html';
    const { call, action, lines } = await shop((_req, res) => {
      if (answer === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><html><body>Sign in</body></html>');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      // Chunked, no content-length: the cap must stop the read itself.
      for (let i = 0; i < huge.length; i += 65_536) res.write(huge.slice(i, i + 65_536));
      res.end();
    });
    expect(await call(action('check_warranty'), { serial: 'WTU123A4567B' }, {})).toMatchObject({ ok: false, reason: 'unavailable' });
    answer = 'huge';
    expect(await call(action('book_repair'), { service: 'full_service', preferred_date: '2026-03-02' }, MARIA)).toMatchObject({ ok: false, reason: 'unavailable' });
    const log = lines.join('');
    expect(log).toContain('Action check_warranty (GET): answered an HTML page instead of JSON (HTTP 200)');
    expect(log).toContain('Action book_repair (POST): the answer is larger than 256000 bytes');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('maria@example.com');
    expect(log).not.toContain('/v1/');
  });

  it('says which setting to check when the credentials are refused, and refuses to start without them', async () => {
    const { call, action, lines } = await shop((_req, res) => sendJson(res, 401, { error: 'bad token' }));
    const outcome = await call(action('check_warranty'), { serial: 'WTU123A4567B' }, {});
    expect(outcome.ok === false && outcome.message).toMatch(/^The warranty system refused our access right now\./);
    expect(lines.join('')).toContain('refused our credentials (HTTP 401); check BIKE_SHOP_API_TOKEN (auth of check_warranty in agents.yaml)');
    expect(() => createActionCaller(fixtureActions, { secret: () => undefined })).toThrow(ConfigError);
    expect(() => createActionCaller(fixtureActions, { secret: () => undefined })).toThrow(
      'Environment variables named in agents.yaml are not set: BIKE_SHOP_API_TOKEN (auth of action check_warranty), BIKE_SHOP_API_TOKEN (auth of action book_repair)',
    );
  });
});
