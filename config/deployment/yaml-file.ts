/**
 * YAML files of a deployment, parsed with the `yaml` library keeping positions, so that every
 * problem (a syntax error, a value the schema refuses) names the file and the line.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { DeploymentError } from './errors.ts';

/** A parsed YAML file: its data, and where a key path sits in it. */
export interface YamlFile {
  /** The file's name as shown in errors (relative to the deployment directory). */
  file: string;
  data: unknown;
  /** The 1-based line of the key or item at `path`, or of its nearest existing parent. */
  lineOf(path: readonly PropertyKey[]): number;
}

/** Parses YAML text; a syntax error throws a DeploymentError naming file, line and column. */
export function parseYamlFile(file: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new DeploymentError(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        // The library's message ends with a code excerpt; the first line says what is wrong.
        return `${file}:${line}:${col}: invalid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  return {
    file,
    data: doc.toJS(),
    lineOf: (path) => lineCounter.linePos(offsetOf(doc, path)).line,
  };
}

/** Start offset of the node at `path` (a map entry's key, a sequence item), else of the deepest parent found. */
function offsetOf(doc: Document, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
      node = node.items[key];
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/** A key path as written in docs: agents[1].tools[0]. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}${out ? '.' : ''}${String(key)}`), '');
}

/** Validates a parsed file with a zod schema; every issue becomes "file:line: path: what is expected". */
export function validateYaml<T extends z.ZodType>(yaml: YamlFile, schema: T): z.output<T> {
  const parsed = schema.safeParse(yaml.data ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new DeploymentError(
    parsed.error.issues.map((issue) => {
      const where = formatPath(issue.path);
      // A key left out reads "required", not zod's "expected string, received undefined".
      const message = issue.code === 'invalid_type' && issue.input === undefined ? `required (${issue.expected})` : issue.message;
      return `${yaml.file}:${yaml.lineOf(issue.path)}: ${where ? `${where}: ` : ''}${message}`;
    }),
  );
}
