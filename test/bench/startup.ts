/**
 * `npm run bench:startup` (first part of `npm run bench`): start-up time and resident memory of
 * `frontdesk serve` compiled (`node dist/src/cli/cli.js serve`, what `npm start` runs) beside the
 * TypeScript sources through tsx (`tsx src/cli/cli.ts serve`, what `npm start` ran before the
 * build), in the same run, alternating, each on a fresh SQLite file. Start-up is the time from
 * spawning the command to its "listening" line; RSS and CPU time used are taken right then, over
 * the whole process group (the tsx launcher runs the server in a child process). CPU time is the
 * steadier figure on a busy machine, where waiting for a core stretches the wall-clock time. The triage model is trained once
 * before the measured runs, so every run loads it from the cache as a restart does.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.ts';
import { ROOT } from '../support/paths.ts';
import { startServer } from '../support/server-process.ts';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const BUILT = join(ROOT, 'dist', 'src', 'cli', 'cli.js');

const VARIANTS = [
  { name: 'built (node dist/src/cli/cli.js)', command: process.execPath, args: [BUILT, 'serve'] },
  { name: 'tsx (tsx src/cli/cli.ts)', command: join(ROOT, 'node_modules', '.bin', 'tsx'), args: ['src/cli/cli.ts', 'serve'] },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first.`);
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-startup-'));
  let n = 0;
  const start = async (variant: (typeof VARIANTS)[number]) => {
    const port = await freePort();
    // The model cache sits beside the SQLite file: one folder, a fresh database per run.
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', SQLITE_PATH: join(dir, `run-${n++}.db`), LOG_LEVEL: 'info', DATABASE_URL: '' };
    return startServer(variant.command, variant.args, { cwd: ROOT, env, timeoutMs: 600_000 });
  };
  try {
    await (await start(VARIANTS[0]!)).stop(); // trains and caches the triage model
    const results = VARIANTS.map(() => ({ startupMs: [] as number[], rss: [] as number[], cpuMs: [] as number[] }));
    for (let run = 0; run < RUNS; run++) {
      // Alternating which goes first, so a machine that gets busier or quieter treats both alike.
      const order = run % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const server = await start(VARIANTS[i]!);
        results[i]!.startupMs.push(server.startupMs);
        results[i]!.rss.push(server.rss());
        const cpu = server.cpuMs();
        if (cpu !== null) results[i]!.cpuMs.push(cpu);
        await server.stop();
      }
    }
    process.stdout.write(`Start-up: ${RUNS} runs each, median (min–max); fresh SQLite file, triage model cached\n`);
    results.forEach((r, i) => {
      const ms = `${median(r.startupMs).toFixed(0)} ms (${Math.min(...r.startupMs).toFixed(0)}–${Math.max(...r.startupMs).toFixed(0)})`;
      const mb = (b: number) => (b / 2 ** 20).toFixed(0);
      const cpu = r.cpuMs.length > 0 ? `   CPU ${median(r.cpuMs)} ms` : '';
      process.stdout.write(`  ${VARIANTS[i]!.name.padEnd(34)} start-up ${ms.padEnd(22)} RSS ${mb(median(r.rss))} MB (${mb(Math.min(...r.rss))}–${mb(Math.max(...r.rss))})${cpu}\n`);
    });
    const [built, tsx] = results as [(typeof results)[number], (typeof results)[number]];
    process.stdout.write(
      `  tsx / built: start-up ${(median(tsx.startupMs) / median(built.startupMs)).toFixed(2)}×, RSS ${(median(tsx.rss) / median(built.rss)).toFixed(2)}×` +
        (tsx.cpuMs.length > 0 ? `, CPU ${(median(tsx.cpuMs) / median(built.cpuMs)).toFixed(2)}×\n` : '\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
