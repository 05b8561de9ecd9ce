import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, parseClinc, parseJsonl, parseLabelledCsv, readExamples, readTestData, readTrainingData } from './datasets.ts';

describe('dataset readers', () => {
  it('reads JSONL and reports the bad line', () => {
    expect(parseJsonl('{"text":"a","label":"x"}\n\n{"text":"b","label":"y"}\n')).toEqual([
      { text: 'a', label: 'x' },
      { text: 'b', label: 'y' },
    ]);
    expect(() => parseJsonl('{"text":"a"}', 'f.jsonl')).toThrow('f.jsonl:1');
  });
  it('reads text,label, Bitext and Banking77 CSV headers', () => {
    expect(parseLabelledCsv('text,label\nhi,greet\n')).toEqual([{ text: 'hi', label: 'greet' }]);
    expect(parseLabelledCsv('\ufeffflags,utterance,category,intent\nB,"cancel, now",ORDER,cancel_order\n')).toEqual([
      { text: 'cancel, now', label: 'cancel_order' },
    ]);
    expect(parseLabelledCsv('text,category\ncard?,card_arrival\n')).toEqual([{ text: 'card?', label: 'card_arrival' }]);
    expect(() => parseLabelledCsv('a,b\n1,2\n')).toThrow(DatasetError);
  });
  it('reads CLINC150 splits, labelling oos_* rows oos', () => {
    const json = JSON.stringify({ train: [['hi', 'greet']], oos_train: [['weather?', 'oos']], val: [['yo', 'greet']] });
    expect(parseClinc(json, ['train', 'oos_train'])).toEqual([
      { text: 'hi', label: 'greet' },
      { text: 'weather?', label: 'oos' },
    ]);
    expect(parseClinc(json)).toHaveLength(3);
    expect(() => parseClinc(json, ['test'])).toThrow(/no split "test"/);
  });
  it('picks the format from the extension and fails clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-ds-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ train: [['x', 'y']], val: [['z', 'w']] }));
    writeFileSync(join(dir, 'a.txt'), 'x');
    expect(readExamples(join(dir, 'a.json:val'))).toEqual([{ text: 'z', label: 'w' }]);
    expect(() => readExamples(join(dir, 'a.txt'))).toThrow(/unknown format/);
    expect(() => readExamples(join(dir, 'missing.csv'))).toThrow(/file not found/);
  });
  it('trains on a CLINC150 file\'s training splits and validates on its validation splits, never reading test', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-ds-'));
    const file = join(dir, 'clinc.json');
    writeFileSync(file, JSON.stringify({ train: [['x', 'a']], oos_train: [['o', 'oos']], val: [['v', 'a']], oos_val: [['w', 'oos']], test: [['t', 'a']] }));
    expect(readTrainingData(file)).toEqual({
      train: [{ text: 'x', label: 'a' }, { text: 'o', label: 'oos' }],
      validation: [{ text: 'v', label: 'a' }, { text: 'w', label: 'oos' }],
    });
    // named splits and other formats are read as they are
    expect(readTrainingData(`${file}:train,val`)).toEqual({ train: [{ text: 'x', label: 'a' }, { text: 'v', label: 'a' }], validation: [] });
    // as a test file, the whole published file gives its test splits alone
    expect(readTestData(file)).toEqual([{ text: 't', label: 'a' }]);
    expect(readTestData(`${file}:val`)).toEqual([{ text: 'v', label: 'a' }]);
  });
});
