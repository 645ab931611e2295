// string.match as the evaluator folds it (core/analysis/modulefile/luaPattern.ts) against real Lua 5.3.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { luaMatch } from '../../core/analysis/modulefile/luaPattern';

const cases: [string, string][] = [
  ['/p/home/modules/torch/2.7.lua', '^(.*)/modules/[^/]+/[^/]+$'],
  ['/p/home/bin/modules/torch/6.0.lua', '^(.*)/bin/modules/[^/]+/[^/]+$'],
  ['/p/a-b.c/modules/x/1.lua', '^(.*)/a%-b%.c/modules/[^/]+/[^/]+$'],
  ['/flat.lua', '^(.*)/modules/[^/]+/[^/]+$'],
  ['lumi-pytorch-rocm-6.2.4.sif', 'rocm%-([%d.]+)'],
  ['abc123', '%a+'],
  ['x = 1', '(%w+)%s*=%s*(%d)'],
  ['aaa', 'a-'],
  ['/a/b/', '(.-)/$'],
];

function lua(s: string, p: string): string {
  const code = 'local v = string.match(arg[1], arg[2]); io.write(v == nil and "\\0nil" or v)';
  const r = spawnSync('lua5.3', ['-', s, p], { input: code, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('luaMatch', () => {
  it('answers as Lua 5.3 does, nil included', () => {
    for (const [s, p] of cases) {
      const ours = luaMatch(s, p);
      assert.equal(ours === null ? '\0nil' : ours, lua(s, p), `${s} ~ ${p}`);
    }
  });
  it('gives up (unknown) on what it does not translate', () => {
    for (const p of ['%b()', '%f[%w]', '()a', '(a)%1']) assert.equal(luaMatch('(a)a', p), undefined, p);
  });
});
