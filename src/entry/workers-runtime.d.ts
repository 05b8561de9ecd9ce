/**
 * The parts of the Cloudflare Workers runtime that src/entry/worker.ts uses, typed here so the
 * project type-checks without @cloudflare/workers-types (the runtime supplies the module).
 */
declare module 'cloudflare:workers' {
  export interface DurableObjectState {
    readonly storage: import('../store/durable/index.ts').DurableStorage;
    waitUntil(promise: Promise<unknown>): void;
  }
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
  export interface ScheduledController {
    readonly scheduledTime: number;
    readonly cron: string;
  }
  /** What an Email Workers route hands the `email()` handler. */
  export interface ForwardableEmailMessage {
    readonly from: string;
    readonly to: string;
    readonly raw: ReadableStream<Uint8Array>;
    readonly rawSize: number;
    readonly headers: Headers;
    /** Refuses the mail: the sending server gets a permanent failure with this reason. */
    setReject(reason: string): void;
  }
  export interface ExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
  }
  export interface Fetcher {
    fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  }
  /** A stub's RPC methods return promises of what the object's methods return. */
  export type DurableObjectStub<T> = Fetcher & { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };
  export interface DurableObjectNamespace<T> {
    idFromName(name: string): unknown;
    get(id: unknown): DurableObjectStub<T>;
  }
}
