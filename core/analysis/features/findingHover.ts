// Hover on a finding: why it matters, from the code's page (docs/diagnostics/CODE.md). The
// Problems panel shows the short message; the explanation lives here and behind the code's link,
// so a message can stay a line long.
import { DIAGNOSTIC_DOCS, docsUrl } from '../diagnosticDocs';
import type { Finding, Position } from '../types';
import { contains, rangeSize, type HoverResult } from './hover';

/** The explanation of each code found where `pos` stands, innermost finding first; else undefined. */
export function hoverFindings(findings: readonly Finding[], pos: Position): HoverResult | undefined {
  const here = findings
    .filter((f) => contains(f.range, pos))
    .sort((a, b) => rangeSize(a.range) - rangeSize(b.range));
  const sections: string[] = [];
  const seen = new Set<string>();
  for (const finding of here) {
    const doc = DIAGNOSTIC_DOCS[finding.code];
    if (seen.has(finding.code) || !doc) continue;
    seen.add(finding.code);
    const href = docsUrl(finding.code);
    const more = href ? ` [More](${href})` : '';
    sections.push(`**\`${finding.code}\`**: ${doc.explanation}${more}`);
  }
  return sections.length ? { markdown: sections.join('\n\n'), range: here[0].range } : undefined;
}
