// The diagnostic codes tables of docs/diagnostics.md (and the README's list of codes) are a contract with users and admins (severity policy):
// every rule file's code is a row, with exactly the severities the rule can give, and every row
// names a code that the analysis really emits.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(__dirname, '..', '..');
const SEVERITY_ORDER = ['error', 'warning', 'information', 'hint'];

/** docs/diagnostics.md rows `| \`code\` | severity | ... |` of the codes tables: code -> severity. */
function readmeCodes(): Map<string, string> {
  const readme = readFileSync(join(repo, 'docs', 'diagnostics.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of readme.matchAll(/^\| `([a-z][a-z0-9-]*|SCnnnn)` \| ([^|]+) \|/gm))
    rows.set(m[1], m[2].trim());
  return rows;
}

/** Each rule file's codes and the severities it can give (literals in the finding objects). */
function ruleCodes(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const kind of ['modulefile', 'wrapper']) {
    const dir = join(repo, 'core', 'analysis', 'rules', kind);
    for (const name of readdirSync(dir).filter(
      (n) => n.endsWith('.ts') && n !== 'index.ts' && n !== 'types.ts',
    )) {
      const source = readFileSync(join(dir, name), 'utf8');
      const codes = [...new Set([...source.matchAll(/\bcode: '([a-z0-9-]+)'/g)].map((m) => m[1]))];
      const severities = new Set(
        [...source.matchAll(/(?:severity: |[?:] \(?)'(error|warning|information|hint)'/g)].map((m) => m[1]),
      );
      assert.equal(
        codes.length,
        1,
        `${kind}/${name}: one rule file decides one code (found ${codes.join(', ') || 'none'})`,
      );
      assert.ok(severities.size > 0, `${kind}/${name}: no severity literal found`);
      out.set(
        codes[0],
        SEVERITY_ORDER.filter((s) => severities.has(s)),
      );
    }
  }
  return out;
}

/** Every string literal of the core's sources (codes outside rule files: lua-syntax, file-too-large, ...). */
function coreLiterals(): Set<string> {
  const literals = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(/'([a-z][a-z0-9-]+)'/g)) literals.add(m[1]);
    }
  };
  walk(join(repo, 'core'));
  return literals;
}

describe('diagnostic codes tables', () => {
  it('list every rule code with the severities its rule gives', () => {
    const rows = readmeCodes();
    const rules = ruleCodes();
    assert.ok(rules.size >= 20, `only ${rules.size} rule files found`);
    for (const [code, severities] of rules) {
      assert.ok(rows.has(code), `docs/diagnostics.md has no row for ${code}`);
      assert.equal(rows.get(code), severities.join(' / '), `docs/diagnostics.md severity of ${code}`);
    }
  });

  it('name only codes the analysis emits', () => {
    const literals = coreLiterals();
    for (const code of readmeCodes().keys()) {
      if (code === 'SCnnnn') continue; // ShellCheck's own codes
      assert.ok(literals.has(code), `docs/diagnostics.md row ${code}: no such code in core/`);
    }
  });

  it("the README's list of codes names exactly the codes of docs/diagnostics.md", () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const section = /^## Diagnostic codes$([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    const listed = new Set([...section.matchAll(/`([a-z][a-z0-9-]*[a-z0-9])`/g)].map((m) => m[1]));
    const documented = [...readmeCodes().keys()].filter((code) => code !== 'SCnnnn');
    assert.deepEqual(
      [...listed].filter((code) => documented.includes(code) || /^[a-z]+-[a-z-]+$/.test(code)).sort(),
      documented.sort(),
    );
  });
});
