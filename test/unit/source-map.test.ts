// SourceMap.position keeps the line of its last answer as a hint (the evaluator asks in source
// order): answers must not depend on the order of the questions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceMap } from '../../core/analysis/modulefile/source';
import { seededRandom } from '../helpers/random';

function naive(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

describe('SourceMap.position', () => {
  const texts = ['', 'x', '\n', 'a\nbc\n\ndef', 'setenv("A", "b")\n\n\nlocal x = 1\n', '\n\nx'];
  for (const text of texts) {
    it(`answers as a plain count of newlines in any order of questions: ${JSON.stringify(text)}`, () => {
      const offsets = Array.from({ length: text.length + 1 }, (_, i) => i);
      const random = seededRandom(text.length + 1);
      const shuffled = [...offsets].sort(() => random() - 0.5);
      for (const order of [offsets, [...offsets].reverse(), shuffled]) {
        const map = new SourceMap(text);
        for (const offset of order)
          assert.deepEqual(map.position(offset), naive(text, offset), `offset ${offset}`);
      }
    });
  }
});
