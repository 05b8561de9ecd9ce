/**
 * Calls the custom actions of agents.yaml (agents/actions.ts) on the company's API: validates the
 * model's arguments against the action's JSON Schema, renders the URL (values URL-encoded) and
 * body from the validated arguments and the customer's proven identity, adds the auth header from
 * the environment, and sends it with the order systems' request policy (adapters/orders/request.ts:
 * timeout, a size-capped JSON body, no redirects), retrying network errors and 5xx only for
 * idempotent methods. The model gets the `returns` fields, or a failure in words it can relay;
 * the log gets the reason, never the URL (it may hold an email address) or the credentials.
 */
import { z } from 'zod';
import {
  bodyStrings,
  CUSTOMER_VALUES,
  envReferencesOf,
  fillEnvReferences,
  fillPlaceholders,
  IDEMPOTENT_METHODS,
  placeholdersOf,
  renderBody,
  type ActionCaller,
  type ActionOutcome,
  type CustomAction,
} from '../../agents/actions.ts';
import { ConfigError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/ports.ts';
import { readPath } from '../orders/mapping.ts';
import { DEFAULT_POLICY, requestJson, type RequestFailure, type RequestPolicy, type Sleep } from '../orders/request.ts';

export interface ActionCallerDeps {
  /** Reads an environment variable an auth value names (`config.secret`). */
  secret: (name: string) => string | undefined;
  logger?: Logger;
  /** Test hooks: backoff, retries, the response size cap. The timeout is each action's own. */
  policy?: Partial<RequestPolicy>;
  sleep?: Sleep;
  fetch?: typeof fetch;
}

/** Largest answer read from the company's API: an action passes a few fields, never a document. */
export const ACTION_MAX_RESPONSE_BYTES = 256_000;
/** Largest result handed to the model (the picked fields as JSON). */
const MAX_RESULT_CHARS = 4_000;

class ActionFailure extends Error {
  constructor(
    readonly reason: RequestFailure | 'too_large_result',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Builds the caller for a deployment's actions. Every environment variable their auth values name
 * must be set (loadDeployment checks it with the file's line; this guards callers that skipped it).
 */
export function createActionCaller(actions: readonly CustomAction[], deps: ActionCallerDeps): ActionCaller {
  const missing = actions.flatMap((a) => envReferencesOf(a.auth?.value ?? '').filter((name) => deps.secret(name) === undefined).map((name) => `${name} (auth of action ${a.name})`));
  if (missing.length > 0) throw new ConfigError(`Environment variables named in agents.yaml are not set: ${missing.join(', ')}`);
  const validators = new WeakMap<CustomAction, z.ZodType>();
  const validatorOf = (action: CustomAction) => {
    let validator = validators.get(action);
    if (!validator) validators.set(action, (validator = z.fromJSONSchema(action.parameters as z.core.JSONSchema.JSONSchema)));
    return validator;
  };
  const policy = { ...DEFAULT_POLICY, maxResponseBytes: ACTION_MAX_RESPONSE_BYTES, ...deps.policy };

  return async (action, args, customer): Promise<ActionOutcome> => {
    const parsed = validatorOf(action).safeParse(args ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
      return { ok: false, reason: 'invalid_arguments', message: `Invalid arguments for ${action.name}: ${problems}. Ask the customer for what is missing or wrong, then call it again.` };
    }
    // Only declared parameters travel: an extra field the model made up never reaches the API.
    const declared = Object.keys(action.parameters.properties);
    const data = parsed.data as Record<string, unknown>;
    const values = Object.fromEntries(declared.filter((k) => data[k] !== undefined).map((k) => [k, data[k]]));
    const needed = [...placeholdersOf(action.url), ...(typeof action.body === 'object' ? bodyStrings(action.body).flatMap((s) => placeholdersOf(s.text)) : [])];
    const unproven = CUSTOMER_VALUES.filter((name) => needed.includes(name) && customer[name] === undefined);
    if (unproven.length > 0) {
      return {
        ok: false,
        reason: 'needs_verified_customer',
        message:
          `${action.name} needs the customer's verified ${unproven.map((n) => n.split('.')[1]).join(' and ')}, which this conversation does not have ` +
          '(one the customer writes from, or a signed-in customer). Do not ask them to type it; offer to open a ticket or hand over to a person.',
      };
    }
    const filled = { ...values, ...customer };
    const sendsArguments = action.body === 'arguments' || (action.body === undefined && !['GET', 'DELETE'].includes(action.method));
    const body = sendsArguments ? JSON.stringify(values) : action.body !== undefined ? JSON.stringify(renderBody(action.body, filled)) : undefined;
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (action.auth) headers[action.auth.header] = fillEnvReferences(action.auth.value, deps.secret);

    const describe = `Action ${action.name} (${action.method})`;
    try {
      const answer = await requestJson(
        'action',
        fillPlaceholders(action.url, filled, true),
        { method: action.method, headers, body },
        { ...policy, timeoutMs: action.timeoutMs, retries: IDEMPOTENT_METHODS.has(action.method) ? policy.retries : 0 },
        {
          describe,
          authHint: `check ${envReferencesOf(action.auth?.value ?? '').join(', ') || 'auth'} (auth of ${action.name} in agents.yaml)`,
          fail: (reason, message, options) => new ActionFailure(reason, message, options),
          settings: { timeout: `timeoutMs of ${action.name} in agents.yaml`, maxBytes: 'the custom-action response limit' },
          sleep: deps.sleep,
          fetch: deps.fetch,
        },
      );
      if (answer.status === 404) return { ok: true, found: false };
      const result = Object.fromEntries(action.returns.map((path) => [path, readPath(answer.body, path) ?? null]));
      if (JSON.stringify(result).length > MAX_RESULT_CHARS) {
        throw new ActionFailure('too_large_result', `${describe}: the returned fields are longer than ${MAX_RESULT_CHARS} characters; narrow its returns in agents.yaml`);
      }
      return { ok: true, found: true, result };
    } catch (error) {
      if (!(error instanceof ActionFailure)) throw error;
      deps.logger?.warn({ action: action.name, reason: error.reason }, error.message);
      return { ok: false, reason: 'unavailable', message: unavailableMessage(action, error.reason) };
    }
  };
}

/** What the model relays: the system is not answering, nothing was (or may have been) done, no guessing. */
function unavailableMessage(action: CustomAction, reason: ActionFailure['reason']): string {
  const what = reason === 'timeout' ? 'is not answering right now' : reason === 'unauthorized' ? 'refused our access right now' : 'could not be used right now';
  const unsure = IDEMPOTENT_METHODS.has(action.method) || reason !== 'timeout' ? '' : ' It is not known whether the request went through.';
  return `${capitalise(action.system)} ${what}.${unsure} Tell the customer you cannot do this at the moment, do not guess the answer, and offer to open a ticket or have a person follow up.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
