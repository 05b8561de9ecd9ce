/**
 * `frontdesk export conversations|messages|tickets|metrics --from ISO --to ISO [--format csv|jsonl]
 * [--out FILE]`: the staff export (src/core/export.ts) from the command line, to stdout or a file.
 * A file appears only when the export is complete: it is written beside the target and renamed.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../../config/env.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { EXPORT_FORMATS, EXPORT_KINDS, ExportRange, exportChunks, rangeOf, type ExportFormat } from '../../core/export.ts';
import type { ExportKind } from '../../core/ports.ts';
import { openStore } from '../../entry/node.ts';
import { parseOptions } from '../args.ts';
import type { Io } from '../main.ts';

const USAGE = `usage: frontdesk export ${EXPORT_KINDS.join('|')} --from ISO --to ISO [--format ${EXPORT_FORMATS.join('|')}] [--out FILE]`;

export async function exportData(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'csv' }, out: { type: 'string' } },
    true,
    USAGE,
  );
  const kind = positionals[0] as ExportKind;
  if (positionals.length !== 1 || !EXPORT_KINDS.includes(kind)) throw new InvalidInputError(USAGE);
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new InvalidInputError(`--format must be one of ${EXPORT_FORMATS.join(', ')} (${USAGE})`);
  const parsed = ExportRange.safeParse({ from: values.from, to: values.to });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`--${issue.path.join('.')} ${values[issue.path[0] as 'from' | 'to'] === undefined ? 'is required' : issue.message} (${USAGE})`);
  }
  const range = rangeOf(parsed.data);

  const store = openStore(loadConfig(io.env));
  try {
    await store.migrate();
    const chunks = Readable.from(exportChunks(store.repo, { kind, format, range }));
    if (values.out === undefined) {
      await pipeline(chunks, io.stdout, { end: false });
      return 0;
    }
    const partial = `${values.out}.partial`;
    try {
      await pipeline(chunks, createWriteStream(partial));
      renameSync(partial, values.out);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    io.stderr.write(`Exported ${kind} from ${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()} as ${format} to ${values.out}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
