// The layering the project promises, read from the tree itself: core/ (analysis, scaffold, remote,
// shell) imports neither vscode nor an LSP library; server/ is LSP wiring, client/ is VS Code,
// cli/ is the command line; imports run only downwards (client, server, cli -> core).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(__dirname, '..', '..');

/** The layers and the layers each may import from (besides itself). */
const LAYERS: Record<string, readonly string[]> = {
  core: [],
  server: ['core'],
  cli: ['core'],
  client: ['core'],
};
const CORE_PARTS = ['analysis', 'scaffold', 'remote', 'shell'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom|\bimport|\brequire\(|\bimport\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** The top-level layer a repository file belongs to, or undefined outside the layers. */
function layerOf(file: string): string | undefined {
  const top = relative(repo, file).split(sep)[0];
  return top in LAYERS ? top : undefined;
}

function allLayerSources(): string[] {
  return Object.keys(LAYERS).flatMap((layer) => sources(join(repo, layer)));
}

describe('architecture', () => {
  it('every layer and every part of core/ exists and holds TypeScript', () => {
    const missing = [...Object.keys(LAYERS), ...CORE_PARTS.map((p) => join('core', p))].filter(
      (dir) => !existsSync(join(repo, dir)) || sources(join(repo, dir)).length === 0,
    );
    assert.deepEqual(missing, []);
    // Code outside the layers (an old server/src, a stray folder) would escape every check below.
    const strays = readdirSync(repo).filter((name) => {
      if (name in LAYERS || ['node_modules', 'dist', 'test', '.git', '.cache'].includes(name)) return false;
      const p = join(repo, name);
      return statSync(p).isDirectory() && sources(p).length > 0;
    });
    assert.deepEqual(strays, []);
  });

  it('imports run only downwards: client, server and cli use core; core uses none of them', () => {
    const offenders: string[] = [];
    for (const file of allLayerSources()) {
      const from = layerOf(file)!;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const to = layerOf(resolve(dirname(file), spec));
        if (to === undefined || to === from) continue;
        if (!LAYERS[from].includes(to)) offenders.push(`${relative(repo, file)} -> ${spec}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('only client/ imports vscode; core/ imports no LSP library', () => {
    const offenders = allLayerSources().filter((f) => {
      const layer = layerOf(f);
      const imports = importsOf(f);
      if (layer !== 'client' && imports.includes('vscode')) return true;
      return layer === 'core' && imports.some((m) => m.startsWith('vscode-languageserver') || m.startsWith('vscode-jsonrpc') || m.startsWith('vscode-languageclient'));
    });
    assert.deepEqual(offenders.map((f) => relative(repo, f)), []);
  });

  it('only core/shell/quote.ts defines a shell quoting function', () => {
    const quoters = allLayerSources()
      .filter((f) => !f.endsWith(join('core', 'shell', 'quote.ts')))
      .filter((f) => /replace\([^)]*'\\''/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(quoters.map((f) => relative(repo, f)), []);
  });
});
