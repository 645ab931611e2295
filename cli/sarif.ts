// `check --format sarif`: SARIF 2.1.0 (OASIS) for code-scanning UIs (GitHub, GitLab, VS Code's SARIF
// viewer). One run; tool.driver.rules lists the codes used; columns are 1-based UTF-16 code units
// (SARIF's default columnKind), the same counting as our LSP positions.
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileFinding, Severity } from '../core/analysis/types';
import { DIAGNOSTIC_DOCS, docsUrl } from '../core/analysis/diagnosticDocs';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** A rule's metadata: ShellCheck's wiki for SCnnnn; ours from DIAGNOSTIC_DOCS and docs/diagnostics/. */
function ruleOf(id: string) {
  const doc = DIAGNOSTIC_DOCS[id];
  const helpUri = docsUrl(id);
  return {
    id,
    shortDescription: {
      text: doc?.summary ?? (/^SC\d+$/.test(id) ? `ShellCheck ${id}` : `lumi-modules ${id}`),
    },
    ...(doc ? { fullDescription: { text: doc.explanation } } : {}),
    ...(helpUri ? { helpUri } : {}),
  };
}

/**
 * A file under the working directory as a relative URI against %SRCROOT% (what code scanning expects), else
 * absolute.
 */
function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const rel = relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export function formatSarif(findings: readonly FileFinding[], cwd: string, version: string): string {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lumi-modules',
            version,
            rules: codes.map(ruleOf),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code),
          level: LEVELS[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(f.file, cwd),
                region: {
                  startLine: f.range.start.line + 1,
                  startColumn: f.range.start.character + 1,
                  endLine: f.range.end.line + 1,
                  endColumn: f.range.end.character + 1,
                },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(log);
}
