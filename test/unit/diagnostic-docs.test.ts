// Every diagnostic code has its explanation (hover, SARIF fullDescription) and its page
// docs/diagnostics/CODE.md (codeDescription.href, SARIF helpUri), and the index lists it; the
// language server's diagnostics carry the link and relate identical findings of one document.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { DIAGNOSTIC_DOCS, docsUrl, explanation } from '../../core/analysis/diagnosticDocs';
import { formatSarif } from '../../cli/sarif';
import { toDiagnostic, toDiagnostics } from '../../server/convert';
import { range, type Finding } from '../../core/analysis/types';

const repo = join(__dirname, '..', '..');

/** Every code literal of core/ (rule files, analyze.ts, policy, the walk and file notes). */
function coreCodes(): string[] {
  const codes = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('diagnosticDocs.ts')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/\bcode: '([a-z][a-z0-9-]+)'/g)) codes.add(m[1]);
        for (const m of text.matchAll(/(?:note|fileNote)\(\s*(?:\w+,\s*)?'([a-z][a-z0-9-]+)'/g))
          codes.add(m[1]);
      }
    }
  };
  walk(join(repo, 'core', 'analysis'));
  codes.add('unused-suppression');
  return [...codes].sort();
}

describe('diagnostic documentation', () => {
  it('every code has an explanation, a page holding it, and a row in the index', () => {
    const index = readFileSync(join(repo, 'docs/diagnostics/README.md'), 'utf8');
    for (const code of coreCodes()) {
      const doc = DIAGNOSTIC_DOCS[code];
      assert.ok(doc, `no DIAGNOSTIC_DOCS entry for ${code}`);
      assert.ok(doc.summary.length > 0 && explanation(code).length > 0, code);
      const page = join(repo, 'docs/diagnostics', `${code}.md`);
      assert.ok(existsSync(page), `no page for ${code}`);
      const text = readFileSync(page, 'utf8');
      assert.ok(text.includes(doc.summary) && text.includes(doc.explanation), `page of ${code} out of date`);
      assert.ok(index.includes(`[\`${code}\`](${code}.md)`), `index lists no ${code}`);
      assert.equal(fileURLToPath(docsUrl(code)!), page);
    }
    assert.equal(docsUrl('SC2086'), 'https://www.shellcheck.net/wiki/SC2086');
  });

  it('SARIF rules: shortDescription, fullDescription and helpUri for our codes', () => {
    const f = (code: string) => ({
      file: join(repo, 'm.lua'),
      range: range(0, 0, 0, 1),
      severity: 'warning' as const,
      code,
      message: 'm',
    });
    const log = JSON.parse(formatSarif([f('getenv-no-fallback'), f('SC2086')], repo, '0'));
    const sc = log.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'SC2086');
    const byId = Object.fromEntries(log.runs[0].tool.driver.rules.map((r: { id: string }) => [r.id, r]));
    assert.equal(
      byId['getenv-no-fallback'].shortDescription.text,
      DIAGNOSTIC_DOCS['getenv-no-fallback'].summary,
    );
    assert.equal(byId['getenv-no-fallback'].fullDescription.text, explanation('getenv-no-fallback'));
    assert.match(byId['getenv-no-fallback'].helpUri, /^file:.*docs\/diagnostics\/getenv-no-fallback\.md$/);
    assert.equal(byId.SC2086.helpUri, 'https://www.shellcheck.net/wiki/SC2086');
    assert.ok(sc);
  });

  it('LSP diagnostics: codeDescription.href to the page; identical findings related to each other', () => {
    const at = (line: number): Finding => ({
      range: range(line, 0, line, 5),
      severity: 'warning',
      code: 'getenv-no-fallback',
      message: 'same',
    });
    assert.equal(toDiagnostic(at(0)).codeDescription?.href, docsUrl('getenv-no-fallback'));
    const other: Finding = { ...at(5), message: 'different' };
    const ds = toDiagnostics([at(0), at(1), at(2), other], 'file:///m.lua');
    assert.equal(ds.length, 4, 'each keeps its place (and its quick fixes)');
    assert.deepEqual(
      ds[0].relatedInformation?.map((r) => r.location.range.start.line),
      [1, 2],
    );
    assert.equal(ds[3].relatedInformation, undefined);
  });
});
