// Tolerant modulefile analysis: a syntax error costs only its statement (Lua's message, with the
// line of the unclosed construct), and paths the module guards with isDir/isFile (or inside isAvail) are not
// reported.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';

let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'lumi-tolerant-'));
  mkdirSync(join(home, 'bin'));
});
after(() => rmSync(home, { recursive: true, force: true }));

const analyze = (text: string) =>
  analyzeModulefile(text, join(home, 'modules', 'tool', '1.0.lua'), makeEnv({ processEnv: {} }));
const found = (text: string) => analyze(text).findings.map((f) => `${f.range.start.line + 1}:${f.code}`);

describe('tolerant modulefile analysis', () => {
  it('reports an unclosed ( where Lua does, naming its line, and keeps findings before and after', () => {
    const text = `setenv("BEFORE")\nlocal p = pathJoin("/a", "b"\nsetenv("AFTER")\nprepend_pth("PATH", "/x")\n`;
    const a = analyze(text);
    const syntax = a.findings.find((f) => f.code === 'lua-syntax');
    assert.equal(syntax?.message, "')' expected (to close '(' at line 2) near 'setenv'");
    assert.equal(syntax?.range.start.line, 2);
    assert.deepEqual(
      found(text).sort(),
      ['1:wrong-arguments', '3:lua-syntax', '3:wrong-arguments', '4:unknown-function'].sort(),
    );
    assert.ok(a.symbols.length > 0 || a.calls.length >= 3, 'calls after the error are analysed');
  });

  it('reports no made-up call at the token Lua stopped at (an unescaped quote inside a string)', () => {
    // Lmod rt/bioContainers: the word after the stray quote is not a function the user called.
    const text = `whatis("Description: levels ("eQTLs") jointly")\nsetenv("AFTER")\n`;
    assert.deepEqual(found(text).sort(), ['1:lua-syntax', '2:wrong-arguments']);
  });

  it('analyses the body of an unclosed block and names the block', () => {
    const text = `if os.getenv("X") then\n  setenv("INSIDE")\n`;
    assert.deepEqual(found(text).sort(), ['2:wrong-arguments', '3:lua-syntax']);
    assert.equal(
      analyze(text).findings.find((f) => f.code === 'lua-syntax')?.message,
      "'end' expected (to close 'if' at line 1) near <eof>",
    );
  });

  it('does not report paths checked by isDir/isFile guards', () => {
    const missing = join(home, 'nothing-here');
    const guarded = `local d = "${missing}"\nif isDir(d) then\n  prepend_path("PATH", d)\nend\nif isFile(d .. "/msg.txt") then\n  local m = capture("cat " .. d .. "/msg.txt")\nend\n`;
    assert.deepEqual(
      found(guarded).filter((c) => c.endsWith('path-not-found')),
      [],
    );
    const unguarded = `local d = "${missing}"\nif isDir("/other") then\n  prepend_path("PATH", d)\nend\n`;
    assert.deepEqual(
      found(unguarded).filter((c) => c.endsWith('path-not-found')),
      ['3:path-not-found'],
    );
  });

  it('does not report paths inside an isAvail guard (the clause runs only where that module exists)', () => {
    const missing = join(home, 'rocm-6.2');
    const guarded = `if isAvail("rocm/6.2") then\n  prepend_path("PATH", "${missing}/lib")\nelse\n  prepend_path("PATH", "${missing}/bin")\nend\n`;
    // The else clause runs where the module is missing: its path is still checked.
    assert.deepEqual(
      found(guarded).filter((c) => c.endsWith('path-not-found')),
      ['4:path-not-found'],
    );
    const inAnd = `if mode() == "load" and isAvail("rocm") then\n  prepend_path("PATH", "${missing}/lib")\nend\n`;
    assert.deepEqual(
      found(inAnd).filter((c) => c.endsWith('path-not-found')),
      [],
    );
    // A local function of the same name is no Lmod test.
    const shadowed = `local function isAvail(m) return true end\nif isAvail("rocm") then\n  prepend_path("PATH", "${missing}/lib")\nend\n`;
    assert.deepEqual(
      found(shadowed).filter((c) => c.endsWith('path-not-found')),
      ['3:path-not-found'],
    );
  });
});
