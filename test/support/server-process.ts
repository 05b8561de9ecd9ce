/**
 * `frontdesk serve` in processes of its own, as an operator runs it (`npx frontdesk serve`,
 * `node dist/…`, `tsx …`): ready when it logs its start-up line, stopped with SIGTERM. The
 * command runs in a process group of its own, so launchers (npx, tsx) and the server they start
 * are measured and stopped together.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface ServerProcess {
  child: ChildProcess;
  /** Milliseconds from spawning the command to the start-up line. */
  startupMs: number;
  /** Resident memory of the whole process group, in bytes (launchers included). */
  rss(): number;
  /** CPU time the process group has used so far, in ms (Linux only: null elsewhere). */
  cpuMs(): number | null;
  /** Everything the processes wrote so far, for failure messages. */
  output(): string;
  /** SIGTERM to the group; resolves when the command has exited. */
  stop(): Promise<void>;
}

/** What `frontdesk serve` logs once it accepts connections (src/cli/commands/serve.ts). */
const LISTENING = 'Frontdesk is listening on';

export async function startServer(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; /** The line that says it is ready (default: Frontdesk's start-up line). */ ready?: string },
): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is gone already.
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal('SIGTERM');
    // A hang guard: a server that ignores SIGTERM must not outlive the run.
    const guard = setTimeout(() => signal('SIGKILL'), 15_000);
    await exited;
    clearTimeout(guard);
  };

  try {
    const startupMs = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not start within ${options.timeoutMs ?? 120_000} ms:\n${output}`)), options.timeoutMs ?? 120_000);
      const onData = () => {
        if (!output.includes(options.ready ?? LISTENING)) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(performance.now() - started);
      };
      child.stdout!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, sig) => reject(new Error(`${command} ${args.join(' ')} exited (${code ?? sig}) before listening:\n${output}`)));
    });
    return { child, startupMs, rss: () => groupRss(child.pid!), cpuMs: () => groupCpuMs(child.pid!), output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Sum of the resident set sizes of a process group (ps reports KiB). */
function groupRss(pgid: number): number {
  const table = execFileSync('ps', ['-A', '-o', 'pgid=,rss='], { encoding: 'utf8' });
  let kib = 0;
  for (const line of table.split('\n')) {
    const [group, rss] = line.trim().split(/\s+/).map(Number);
    if (group === pgid) kib += rss ?? 0;
  }
  return kib * 1024;
}

/**
 * Sum of user and system CPU time of a process group, from /proc/<pid>/stat (fields 5: process
 * group, 14 and 15: user and system time in clock ticks, 100 per second on Linux). Processes
 * that already exited are not counted: their time went to their parent only once reaped.
 */
function groupCpuMs(pgid: number): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}
