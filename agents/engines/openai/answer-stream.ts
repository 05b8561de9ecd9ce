/**
 * Agents answer with a JSON object (`{"answer": "...", "confidence": 0.9}`), so the streamed text
 * is JSON. This reads the `answer` string out of the growing JSON and returns the newly decoded
 * characters of it, holding back an escape sequence that is split across chunks.
 */
export interface AnswerStream {
  /** Feeds one chunk of the model's output text; returns the new part of the answer (may be ''). */
  push(chunk: string): string;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function createAnswerStream(): AnswerStream {
  let raw = '';
  /** Index in `raw` where the answer string's content starts, once its opening quote arrived. */
  let start = -1;
  /** Where decoding continues, and whether the closing quote was seen. */
  let pos = 0;
  let closed = false;

  return {
    push(chunk) {
      raw += chunk;
      if (closed) return '';
      if (start < 0) {
        const match = /"answer"\s*:\s*"/.exec(raw);
        if (!match) return '';
        start = match.index + match[0].length;
        pos = start;
      }
      let out = '';
      while (pos < raw.length) {
        const ch = raw[pos]!;
        if (ch === '"') {
          closed = true;
          break;
        }
        if (ch !== '\\') {
          out += ch;
          pos += 1;
          continue;
        }
        const kind = raw[pos + 1];
        if (kind === undefined) break; // the rest of the escape comes with the next chunk
        if (kind === 'u') {
          const hex = raw.slice(pos + 2, pos + 6);
          if (hex.length < 4) break;
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 6;
          continue;
        }
        out += ESCAPES[kind] ?? kind;
        pos += 2;
      }
      return out;
    },
  };
}
