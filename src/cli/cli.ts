import { run } from './main.ts';

const SERVING = -1;
const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
if (code !== SERVING) process.exit(code);
