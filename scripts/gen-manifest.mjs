// Writes what package.json and docs/settings.md say of the settings from core/settings/schema.ts
// (core/settings/manifest.ts does the work): `node --import tsx scripts/gen-manifest.mjs` writes the
// files (`npm run generate`); with --check it changes nothing and exits 1 naming the first field that
// differs (`npm run build` runs that, so a setting edited in one place only stops the build).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const manifest = await import('../core/settings/manifest.ts');
const { docsWithSettingsTable, firstDifference, manifestWithSettings } = manifest.default ?? manifest;

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

/** Why TEXT is not WANTED, in one line naming the first differing field (or line). */
function difference(file, text, wanted) {
  if (text === wanted) return undefined;
  if (file.endsWith('.json')) {
    const field = firstDifference(JSON.parse(wanted), JSON.parse(text));
    return field ?? 'same fields, other formatting (the file is written as JSON.stringify(..., 2) gives it)';
  }
  const have = text.split('\n');
  const want = wanted.split('\n');
  const line = want.findIndex((l, i) => have[i] !== l);
  const n = line < 0 ? want.length : line;
  const shown = (l) => JSON.stringify((l ?? '').slice(0, 60));
  return `line ${n + 1}: ${shown(have[n])}, the schema gives ${shown(want[n])}`;
}

let stale = 0;
for (const [file, generate] of [
  ['package.json', manifestWithSettings],
  ['docs/settings.md', docsWithSettingsTable],
]) {
  const path = root + file;
  let text;
  let wanted;
  try {
    text = readFileSync(path, 'utf8');
    wanted = generate(text);
  } catch (err) {
    console.error(`gen-manifest: ${file}: ${err.message}`);
    process.exit(1);
  }
  const why = difference(file, text, wanted);
  if (why === undefined) continue;
  if (check) {
    stale++;
    console.error(`gen-manifest: ${file} is not what core/settings/schema.ts gives: ${why}`);
  } else {
    writeFileSync(path, wanted);
    console.error(`gen-manifest: ${file} written from core/settings/schema.ts (was: ${why})`);
  }
}
if (stale > 0) {
  console.error('gen-manifest: declare settings in core/settings/schema.ts, then run `npm run generate`');
  process.exit(1);
}
