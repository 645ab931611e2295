// The layering the project promises, read from the tree itself: core/ (analysis, scaffold, remote,
// shell) imports neither vscode nor an LSP library; server/ is LSP wiring, client/ is VS Code,
// cli/ is the command line; imports run only downwards (client, server, cli -> core).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { findQuotingFunctions, findShellStringViolations, type Source } from '../helpers/shellStrings';

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
  return [...text.matchAll(/(?:\bfrom|\bimport|\brequire\(|\bimport\()\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1],
  );
}

/** The top-level layer a repository file belongs to, or undefined outside the layers. */
function layerOf(file: string): string | undefined {
  const top = relative(repo, file).split(sep)[0];
  return top in LAYERS ? top : undefined;
}

function allLayerSources(): string[] {
  return Object.keys(LAYERS).flatMap((layer) => sources(join(repo, layer)));
}

function layerSourceTexts(): Source[] {
  return allLayerSources().map((path) => ({ path, text: readFileSync(path, 'utf8') }));
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
      return (
        layer === 'core' &&
        imports.some(
          (m) =>
            m.startsWith('vscode-languageserver') ||
            m.startsWith('vscode-jsonrpc') ||
            m.startsWith('vscode-languageclient'),
        )
      );
    });
    assert.deepEqual(
      offenders.map((f) => relative(repo, f)),
      [],
    );
  });

  it('docs/ARCHITECTURE.md names every folder and every file of the layers (rules: one file per code, listed by index.ts)', () => {
    const doc = readFileSync(join(repo, 'docs', 'ARCHITECTURE.md'), 'utf8');
    const unnamed: string[] = [];
    for (const file of allLayerSources()) {
      const path = relative(repo, file).split(sep);
      for (let i = 1; i < path.length - 1; i++)
        if (!doc.includes(`${path[i]}/`)) unnamed.push(`${path.slice(0, i + 1).join('/')}/`);
      const name = path[path.length - 1];
      const inRules = path.includes('rules') && !['index.ts', 'types.ts'].includes(name);
      if (!inRules && !new RegExp(`(^|[\\s/(\`])${name.replace('.', '\\.')}\\b`, 'm').test(doc))
        unnamed.push(path.join('/'));
    }
    assert.deepEqual([...new Set(unnamed)], []);
  });

  it('only core/shell/quote.ts defines a shell quoting function', () => {
    assert.deepEqual(findQuotingFunctions(layerSourceTexts()), []);
  });

  it('no shell command string is built outside core/shell/quote.ts (parsed: see test/helpers/shellStrings.ts)', () => {
    assert.deepEqual(
      findShellStringViolations(layerSourceTexts()).map((v) => relative(repo, v)),
      [],
    );
  });
});

describe('the shell string check', () => {
  const quote = {
    path: '/v/core/shell/quote.ts',
    text: readFileSync(join(repo, 'core', 'shell', 'quote.ts'), 'utf8'),
  };
  const check = (text: string): string[] =>
    findShellStringViolations([
      quote,
      {
        path: '/v/core/remote/x.ts',
        text: `import { shellQuote, shellJoin } from '../shell/quote';\n${text}`,
      },
    ]).map((v) => v.replace(/ (is spliced|is concatenated).*/, '').replace('/v/core/remote/x.ts:', ''));

  it('finds unquoted values spliced into what reaches a shell', () => {
    assert.deepEqual(
      check('export function f(conn: any, dir: string) { return conn.exec(`cd ${dir} && ls`); }'),
      ['2: ${dir}'],
    );
    // A value followed from a variable, through a helper's return value, into ssh2's exec.
    assert.deepEqual(
      check(
        'const where = (d: string) => d;\nexport function f(conn: any, d: string) {\n  const cmd = `ls ${where(d)}`;\n  conn.exec(cmd);\n}',
      ),
      ['4: ${where(d)}'],
    );
    assert.deepEqual(
      check('export function f(execa: any, x: string) { return execa(`echo ${x}`, { shell: true }); }'),
      ['2: ${x}'],
    );
    assert.deepEqual(
      check("export function f(execa: any, x: string) { return execa('bash', ['-l', '-c', 'echo ' + x]); }"),
      ['2: ${x}'],
    );
    assert.deepEqual(
      check("import { exec } from 'node:child_process';\nexport function f(x: string) { exec(`rm ${x}`); }"),
      ['3: ${x}'],
    );
    // The inner code of `bash -c ${shellQuote(CODE)}`, and what callers pass as CODE.
    assert.deepEqual(
      check(
        'function login(code: string) { return `exec bash -l -c ${shellQuote(code)}`; }\nexport function f(conn: any, id: string) { conn.exec(login(`scancel ${id}`)); }',
      ),
      ['3: ${id}'],
    );
    // A remote command builder by name, joined lines, a value from an object of values.
    assert.deepEqual(
      check(
        "export function buildCleanCommand(p: { dir: string }) { const lines = ['set -e']; lines.push(`rm -r ${p.dir}`); return lines.join('\\n'); }",
      ),
      ['2: ${p.dir}'],
    );
    // Shell operators make a template shell code wherever it is.
    assert.deepEqual(check('export const line = (env: string) => `source a.sh && conda activate ${env}`;'), [
      '2: ${env}',
    ]);
  });

  it('accepts quoted values, constants, numbers and messages for people', () => {
    assert.deepEqual(
      check(
        "const DIR = '~/x';\nexport function f(conn: any, d: string) { return conn.exec(`cd ${shellQuote(d)} && ls ${DIR} ${shellJoin([d])} ${Math.max(1, 2)}`); }",
      ),
      [],
    );
    assert.deepEqual(check('export function f(conn: any, script: string) { return conn.exec(script); }'), []);
    assert.deepEqual(
      check(
        "export const m = (x: string) => `unknown option '${x}'`;\nexport const u = (c: string) => `usage: ${c} --help | --version`;",
      ),
      [],
    );
    assert.deepEqual(check('const RE = /a(b)/;\nexport const g = (x: string) => RE.exec(`${x}`);'), []);
  });

  it('finds a quoting function outside quote.ts by its escape', () => {
    assert.deepEqual(
      findQuotingFunctions([
        { path: '/v/core/x.ts', text: "export const q = (s: string) => `'${s.replace(/'/g, `'\\\\''`)}'`;" },
      ]),
      ['/v/core/x.ts:1'],
    );
  });
});
