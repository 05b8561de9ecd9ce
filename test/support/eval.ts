/** Runs `frontdesk eval …` in-process and captures what it prints. */
import { runEval } from '../../src/cli/commands/eval.ts';
import { captureOutput, type Captured } from './capture.ts';

export function runEvalCaptured(args: string[], env?: Record<string, string | undefined>): Promise<Captured> {
  return captureOutput((io) => runEval(args, io, env));
}
