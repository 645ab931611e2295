// Image facts in words: `inspect`'s text output and the editor's hover say the same things.
import type { ImageFacts } from './facts';
import { decideFromImage } from './decide';

function mib(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The facts as label/value lines. */
export function factLines(f: ImageFacts): [string, string][] {
  const lines: [string, string][] = [];
  lines.push(['image', `${f.image}${f.tykky ? ' (Tykky installation)' : ''}`]);
  lines.push(['format', `${f.format === 'sif' ? 'SIF' : 'squashfs'}, ${f.compression}, ${mib(f.size)}`]);
  if (f.sif) lines.push(['SIF UUID', f.sif.uuid]);
  if (f.builtAt) lines.push(['built', new Date(f.builtAt * 1000).toISOString().replace('.000Z', 'Z')]);
  if (f.os?.prettyName) lines.push(['OS', f.os.prettyName]);
  lines.push(['PATH inside', f.path.join(':') || '(none)']);
  for (const name of ['python', 'python3', 'pip'] as const) {
    const p = f.programs[name];
    lines.push([name, p ? (p.resolved === p.path ? p.path : `${p.path} -> ${p.resolved}`) : 'not on PATH']);
  }
  if (f.pythonVersions.length) lines.push(['Python', f.pythonVersions.join(', ')]);
  for (const c of f.conda)
    lines.push(['conda', `${c.root}${c.envs.length ? ` (envs: ${c.envs.join(', ')})` : ' (no envs)'}`]);
  for (const v of f.venvs) lines.push(['venv', `${v.path}${v.version ? ` (Python ${v.version})` : ''}`]);
  if (f.withConda) lines.push(['WITH_CONDA (image)', f.withConda]);
  const decision = decideFromImage(f);
  lines.push(['WITH_CONDA needed', decision.withConda ? `yes: ${decision.withConda}` : 'no']);
  if (f.sbom)
    lines.push([
      'SBOM',
      `${f.sbom.format}, ${f.sbom.total} packages: ` +
        f.sbom.packages
          .slice(0, 8)
          .map((p) => (p.version ? `${p.name} ${p.version}` : p.name))
          .join(', '),
    ]);
  const labels = Object.entries(f.labels);
  if (labels.length)
    lines.push([
      'labels',
      labels
        .slice(0, 6)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    ]);
  lines.push([
    'bytes read',
    `${f.bytesRead} (${((100 * f.bytesRead) / Math.max(1, f.size)).toFixed(2)}% of the file)`,
  ]);
  return lines;
}

/** `inspect`'s text output. */
export function formatFacts(f: ImageFacts): string {
  const lines = factLines(f);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${(k + ':').padEnd(width)}${v}\n`).join('');
}

/** The hover's order: what a module needs first (a hover shows a dozen lines before it scrolls). */
const HOVER_ORDER = [
  'Python',
  'python',
  'python3',
  'pip',
  'conda',
  'venv',
  'WITH_CONDA needed',
  'WITH_CONDA (image)',
  'PATH inside',
  'OS',
  'built',
  'format',
  'SBOM',
  'labels',
];

/** The hover's Markdown: the facts a module needs first, the image's path last (the hover has it). */
export function factsMarkdown(f: ImageFacts): string {
  const values = new Map(factLines(f));
  const lines: string[] = [];
  const absent = ['python', 'python3', 'pip'].filter((k) => values.get(k) === 'not on PATH');
  for (const key of HOVER_ORDER) {
    const value = values.get(key);
    if (value === undefined) continue;
    if (absent.includes(key)) {
      if (key === absent[0]) lines.push(`- ${absent.join(', ')}: \`not on PATH\``);
      continue;
    }
    lines.push(`- ${key}: \`${value.replace(/`/g, "'")}\``);
  }
  if (f.tykky) lines.push('- a Tykky installation (its img.sqfs)');
  return '**Image** (read without running it)\n\n' + lines.join('\n');
}
