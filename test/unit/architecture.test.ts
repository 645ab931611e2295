// The layering the project promises: nothing under server/src imports vscode, and the pure
// analysis imports no LSP library either, so the CLI, the server and the tests share it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('architecture', () => {
  it('server/src never imports vscode', () => {
    const offenders = sources(join(repo, 'server/src')).filter((f) => importsOf(f).includes('vscode'));
    assert.deepEqual(offenders.map((f) => relative(repo, f)), []);
  });

  it('the analysis, scaffold and remote cores import no LSP library', () => {
    const cores = ['server/src/analysis', 'server/src/scaffold', 'server/src/remote'].map((d) => join(repo, d));
    const offenders = cores
      .flatMap((d) => {
        try {
          return sources(d);
        } catch {
          return [];
        }
      })
      .filter((f) => importsOf(f).some((m) => m.startsWith('vscode-languageserver') || m.startsWith('vscode-jsonrpc')));
    assert.deepEqual(offenders.map((f) => relative(repo, f)), []);
  });

  it('only server/src/shell/quote.ts defines a shell quoting function', () => {
    const quoters = sources(join(repo, 'server/src'))
      .concat(sources(join(repo, 'client/src')))
      .filter((f) => !f.endsWith(join('shell', 'quote.ts')))
      .filter((f) => /replace\([^)]*'\\''/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(quoters.map((f) => relative(repo, f)), []);
  });
});
