/**
 * A deployment's labelled examples: JSONL rows {"text", "label"} or CSV with a text,label header.
 * A bad row names its file and line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../agents/engines/local/training/csv.ts';

/** One labelled message: `label` is an intent of agents.yaml (or a route name). */
export interface LabelledExample {
  text: string;
  label: string;
  weight?: number;
}

/** An example and the line of its file it came from. */
export type NumberedExample = LabelledExample & { line: number };

/** Reads one training file (`name` inside `dir`); problems are pushed as "training/name:line: …". */
export function readTrainingFile(dir: string, name: string, problems: string[]): NumberedExample[] {
  const shown = `training/${name}`;
  let text: string;
  try {
    text = readFileSync(join(dir, name), 'utf8');
  } catch (error) {
    problems.push(`${shown}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return [];
  }
  return /\.csv$/i.test(name) ? fromCsv(shown, text, problems) : fromJsonl(shown, text, problems);
}

function fromJsonl(shown: string, text: string, problems: string[]): NumberedExample[] {
  const rows: NumberedExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      problems.push(`${shown}:${i + 1}: not valid JSON (expected {"text": "...", "label": "..."})`);
      return;
    }
    const { text: t, label } = (row ?? {}) as Record<string, unknown>;
    if (typeof t !== 'string' || !t.trim() || typeof label !== 'string' || !label.trim()) {
      problems.push(`${shown}:${i + 1}: expected {"text": "...", "label": "..."} with non-empty strings`);
      return;
    }
    rows.push({ text: t, label, line: i + 1 });
  });
  return rows;
}

function fromCsv(shown: string, text: string, problems: string[]): NumberedExample[] {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (error) {
    problems.push(`${shown}: ${(error as Error).message}`);
    return [];
  }
  const [header, ...rows] = table;
  const textAt = header?.findIndex((h) => h.trim() === 'text') ?? -1;
  const labelAt = header?.findIndex((h) => h.trim() === 'label') ?? -1;
  if (textAt < 0 || labelAt < 0) {
    problems.push(`${shown}:1: expected a header row with the columns text and label`);
    return [];
  }
  const out: NumberedExample[] = [];
  rows.forEach((row, i) => {
    const t = row[textAt]?.trim();
    const label = row[labelAt]?.trim();
    // Row numbers count the header as line 1 (quoted newlines aside).
    if (!t || !label) problems.push(`${shown}:${i + 2}: expected a text and a label`);
    else out.push({ text: t, label, line: i + 2 });
  });
  return out;
}
