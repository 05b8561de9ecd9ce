/**
 * Readers for the labelled-text formats `frontdesk eval` and `frontdesk train` accept.
 *
 * - JSONL: one `{"text","label"}` object per line;
 * - CSV with a header: `text,label`, Bitext `utterance,intent`, Banking77 `text,category`;
 * - CLINC150 JSON: `{train|val|test|oos_*: [text, intent][]}`; `oos_*` rows get the label `oos`.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Example } from '../classifier/index.ts';
import { parseCsvRecords } from './csv.ts';

/** A user-facing data error (bad file, unknown format); the CLI maps it to exit code 2. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** CSV column pairs we recognise, in order of preference: [text column, label column]. */
const CSV_COLUMNS: [string, string][] = [
  ['text', 'label'],
  ['utterance', 'intent'],
  ['text', 'category'],
  ['text', 'intent'],
];

/** Parses JSONL `{"text","label"}` rows. */
export function parseJsonl(content: string, source = 'input'): Example[] {
  const out: Example[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new DatasetError(`${source}:${i + 1}: not valid JSON`);
    }
    const r = row as { text?: unknown; label?: unknown };
    if (typeof r.text !== 'string' || typeof r.label !== 'string') {
      throw new DatasetError(`${source}:${i + 1}: expected {"text": string, "label": string}`);
    }
    out.push({ text: r.text, label: r.label });
  });
  return out;
}

/** Parses a labelled CSV (see {@link CSV_COLUMNS} for the recognised headers). */
export function parseLabelledCsv(content: string, source = 'input'): Example[] {
  const records = parseCsvRecords(content);
  if (records.length === 0) return [];
  const keys = Object.keys(records[0]!);
  const cols = CSV_COLUMNS.find(([t, l]) => keys.includes(t) && keys.includes(l));
  if (!cols) {
    throw new DatasetError(`${source}: unknown CSV columns (${keys.join(',')}); expected text,label or utterance,intent or text,category`);
  }
  const [t, l] = cols;
  return records.filter((r) => r[t] && r[l]).map((r) => ({ text: r[t]!, label: r[l]! }));
}

/**
 * Parses CLINC150 JSON. `splits` picks which keys to read (e.g. `['train', 'oos_train']`);
 * without it every split present is read.
 */
export function parseClinc(content: string, splits?: string[], source = 'input'): Example[] {
  const data = clincObject(content, source);
  return clincRows(data, splits ?? Object.keys(data), source);
}

function clincObject(content: string, source: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    throw new DatasetError(`${source}: not valid JSON`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new DatasetError(`${source}: expected a CLINC150 object of splits`);
  return data as Record<string, unknown>;
}

function clincRows(data: Record<string, unknown>, keys: string[], source: string): Example[] {
  const out: Example[] = [];
  for (const key of keys) {
    const rows = data[key];
    if (rows === undefined) throw new DatasetError(`${source}: no split "${key}" (has ${Object.keys(data).join(', ')})`);
    if (!Array.isArray(rows)) throw new DatasetError(`${source}: split "${key}" is not an array`);
    for (const row of rows) {
      if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'string') {
        throw new DatasetError(`${source}: split "${key}" rows must be [text, intent]`);
      }
      out.push({ text: row[0], label: key.startsWith('oos') ? 'oos' : row[1] });
    }
  }
  return out;
}

/**
 * Reads a labelled file, picking the format from the extension (.jsonl, .csv, .json).
 * A CLINC150 path may carry the splits after a colon: `dev.json:train,oos_train`.
 */
export function readExamples(spec: string): Example[] {
  const { path, splits } = parseSpec(spec);
  const content = readText(path);
  switch (extname(path).toLowerCase()) {
    case '.jsonl':
    case '.ndjson':
      return parseJsonl(content, path);
    case '.csv':
      return parseLabelledCsv(content, path);
    case '.json':
      return parseClinc(content, splits, path);
    default:
      throw new DatasetError(`unknown format of ${path}: use .jsonl, .csv or CLINC150 .json`);
  }
}

/**
 * Reads a training file with the validation rows it brings. A CLINC150 file named without splits
 * trains on its training splits and validates on its validation splits (`val`, `oos_val`: the
 * split its authors made for tuning); its test splits are never read. Any other file brings no
 * validation rows (the trainer then holds back a share of the training rows).
 */
export function readTrainingData(spec: string): { train: Example[]; validation: Example[] } {
  const { path, splits } = parseSpec(spec);
  if (splits || extname(path).toLowerCase() !== '.json') return { train: readExamples(spec), validation: [] };
  const data = clincObject(readText(path), path);
  const keys = Object.keys(data);
  return {
    train: clincRows(data, keys.filter((k) => !/val|test/.test(k)), path),
    validation: clincRows(data, keys.filter((k) => /val/.test(k)), path),
  };
}

/**
 * Reads an evaluation file. A CLINC150 file named without splits that has test splits
 * (`test`, `oos_test`) gives those alone, so the whole published file can be passed as it is.
 */
export function readTestData(spec: string): Example[] {
  const { path, splits } = parseSpec(spec);
  if (splits || extname(path).toLowerCase() !== '.json') return readExamples(spec);
  const data = clincObject(readText(path), path);
  const keys = Object.keys(data);
  const testKeys = keys.filter((k) => /test/.test(k));
  return clincRows(data, testKeys.length > 0 ? testKeys : keys, path);
}

function parseSpec(spec: string): { path: string; splits?: string[] } {
  const m = /^(.*\.json):([\w,]+)$/.exec(spec);
  return m ? { path: m[1]!, splits: m[2]!.split(',') } : { path: spec };
}

/** Reads a UTF-8 file; a missing or unreadable one is a {@link DatasetError}. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${code ?? String(error)}`);
  }
}
