// Which local a name refers to (core/analysis/features/luaLocals.ts, what rename and definition
// use), against real Lua 5.3: in each program every local holds its own tag ('d1', 'd2', ...) and
// every use P(x) prints what x is there; the binding must name the declaration whose tag Lua
// printed (nil: a global).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { bindLocals } from '../../core/analysis/features/luaLocals';
import { parseLua } from '../../core/analysis/modulefile/luaAst';

/** `D` -> a fresh tag literal, `P(` -> `P(K, ` with K the use's number in source order. */
function numbered(program: string): string {
  let tags = 0;
  let uses = 0;
  return program.replace(/\bD\b/g, () => `'d${++tags}'`).replace(/\bP\(/g, () => `P(${++uses}, `);
}

const PRELUDE = "local function P(k, v) io.write(k, ' ', tostring(v), '\\n') return true end\n";

/** What Lua prints for each use: K -> the tag (or 'nil'). */
function luaSays(text: string): Map<number, string> {
  const r = spawnSync('lua5.3', ['-'], { input: PRELUDE + text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([k, v]) => [Number(k), v]),
  );
}

/** What the bindings say for each use: the tag in the text after the bound declaration. */
function bindingsSay(text: string): Map<number, string> {
  const bindings = bindLocals(parseLua(text, '5.3'));
  const said = new Map<number, string>();
  for (const m of text.matchAll(/\bP\((\d+), ([A-Za-z_]\w*)\)/g)) {
    const nameStart = m.index + m[0].length - 1 - m[2].length;
    const use = bindings.occurrences.find((o) => o.start === nameStart);
    assert.ok(use, `the use ${m[0]} is an occurrence`);
    if (use.declaration === undefined) said.set(Number(m[1]), 'nil');
    else {
      const after = text.slice(bindings.declarations[use.declaration].end);
      said.set(Number(m[1]), /^\s*=\s*(?:\(P\(\d+, \w+\) and )?'(d\d+)'/.exec(after)?.[1] ?? '?');
    }
  }
  return said;
}

const PROGRAMS: Record<string, string> = {
  'shadowing in blocks, a local read in its own initialiser': `
local x = D
do local x = (P(x) and D); P(x) end
P(x)
if true then local x = D; P(x) end
if false then local x = D else local y = D; P(x) end
while true do P(x); local x = D; P(x); break end
local x = (P(x) and D)
P(x)`,
  'upvalues in functions, a local declared after the function is not seen': `
local root = D
local function show() P(root); P(later) end
local later = D
show()
local f = function() local root = D; return function() P(root) end end
f()()`,
  'repeat-until sees the body’s locals; a global of the same name elsewhere': `
P(g)
local i = D
repeat local g = D; local i = D until P(g) and P(i)
P(i); P(g)`,
  'loops: the bounds are read before the loop variable exists': `
local n = D
for n = (P(n) and 1), 1 do local m = D; P(m) end
for _, v in ipairs({ (P(n) and 1) }) do local n = D; P(n) end
P(n)`,
};

describe('local bindings agree with Lua 5.3', () => {
  for (const [what, program] of Object.entries(PROGRAMS)) {
    it(what, () => {
      const text = numbered(program);
      assert.deepEqual(bindingsSay(text), luaSays(text));
    });
  }
});
