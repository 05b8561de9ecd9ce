/** Runs a CLI entry point in-process with captured output streams. */
import { PassThrough } from 'node:stream';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** Calls `run` with fresh stdout/stderr streams and returns its exit code and what it printed. */
export async function captureOutput(run: (io: { stdout: PassThrough; stderr: PassThrough }) => Promise<number>): Promise<Captured> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run({ stdout, stderr });
  return { code, out, err };
}
