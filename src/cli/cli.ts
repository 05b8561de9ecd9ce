#!/usr/bin/env node
// The `frontdesk` command. Compiled to dist/src/cli/cli.js, the package's bin (`npm start`); `npm run frontdesk`
// and `npm run dev` run this source with tsx.
import { run } from './main.ts';

const SERVING = -1;
const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
if (code !== SERVING) process.exit(code);
