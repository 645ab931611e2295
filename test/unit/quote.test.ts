// shellQuote is the only quoting in the project: any string except NUL must reach bash (and sh)
// as exactly one word with the same bytes. Checked against the real shells.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { shellJoin, shellQuote } from '../../core/shell/quote';
import { seededRandom } from '../helpers/random';

const NASTY = [
  '',
  ' ',
  "'",
  '"',
  "it's",
  '$(touch /tmp/pwned)',
  '`id`',
  'a;b',
  'a\nb',
  '\\',
  '*',
  '~',
  '-n',
  '$HOME',
  '!!',
  'é😀',
  '\t',
  "''",
  '\'"\'"',
];

function randomString(random: () => number): string {
  const alphabet = [...' \'"$`\\;&|<>(){}[]*?~!#\n\t=%', 'a', 'Z', '0', 'é', '😀', '\u00a0'];
  let s = '';
  const n = Math.floor(random() * 12);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}

describe('shellQuote', () => {
  for (const shell of ['bash', 'sh']) {
    it(`round-trips through ${shell}`, () => {
      const random = seededRandom(7);
      const values = [...NASTY, ...Array.from({ length: 300 }, () => randomString(random))];
      // One shell run prints every argument NUL-terminated.
      const script = `printf '%s\\0' ${shellJoin(values)}`;
      const r = spawnSync(shell, ['-c', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\0').slice(0, -1), values);
    });
  }

  it('refuses NUL bytes instead of truncating', () => {
    assert.throws(() => shellQuote('a\0b'), /NUL/);
  });

  it('leaves plain words readable', () => {
    assert.equal(shellQuote('/appl/local/csc/modulefiles'), '/appl/local/csc/modulefiles');
    assert.equal(shellQuote('a b'), "'a b'");
  });
});
