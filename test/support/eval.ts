/** Runs `frontdesk eval …` in-process and captures what it prints. */
import { PassThrough } from 'node:stream';
import { runEval } from '../../src/cli/commands/eval.ts';

export async function runEvalCaptured(args: string[], env?: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runEval(args, { stdout, stderr }, env);
  return { code, out, err };
}
