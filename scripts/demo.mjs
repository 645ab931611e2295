// `npm run demo`: the newcomer's first run. Checks the bundled example project with the built CLI,
// shows its findings, then says whether they are the ones planted in the example and what to try
// next. `lumi-modules check` itself exits 1 on these findings; the demo exits 0 when the checker
// found exactly what it should (and 1 when it did not, 2 when the check itself failed).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli.js');
const args = ['check', '--env', `PROJHOME=${join(repo, 'examples')}`, 'examples'];
// The planted mistakes of examples/modules/pytorch-copied/2.7.lua (a copy of CSC's module). The
// example's image (examples/sif, scripts/build-example-image.mjs) is a real tiny SIF, so its
// missing WITH_CONDA is decided from the image (image-python-needs-conda), not from its name.
const PLANTED = ['undefined-variable', 'unknown-function', 'image-python-needs-conda'];
const COPIED = 'examples/modules/pytorch-copied/2.7.lua';

const shown = spawnSync(process.execPath, [cli, ...args], { cwd: repo, stdio: 'inherit' });
if (shown.status !== 0 && shown.status !== 1) {
  console.error(`demo: lumi-modules check failed (exit ${shown.status ?? shown.signal})`);
  process.exit(2);
}
const json = spawnSync(process.execPath, [cli, ...args, '--format', 'json'], { cwd: repo, encoding: 'utf8' });
let findings;
try {
  findings = JSON.parse(json.stdout);
} catch {
  console.error('demo: lumi-modules check --format json printed no JSON');
  process.exit(2);
}
const serious = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
const inCopied = new Set(serious.filter((f) => f.file.endsWith(COPIED)).map((f) => f.code));
const missing = PLANTED.filter((code) => !inCopied.has(code));
const elsewhere = serious.filter((f) => !f.file.endsWith(COPIED));
console.log('');
if (missing.length > 0 || elsewhere.length > 0) {
  if (missing.length > 0) console.log(`demo: the planted ${missing.join(', ')} not found in ${COPIED}`);
  for (const f of elsewhere) console.log(`demo: unexpected ${f.severity} ${f.code} in ${f.file}`);
  process.exit(1);
}
console.log(
  `demo: as expected. ${COPIED} (a copy of CSC's module with planted mistakes) has ` +
    `${inCopied.size} problems: ${PLANTED.join(', ')}; the other modules are clean.\n` +
    '      `check` itself exits 1 here (an error was found), so it can gate CI; see --max-warnings.\n' +
    'Next: open examples/ in VS Code with the extension to see them as you type, or run\n' +
    '      npx lumi-modules check PATH   on your own module tree (docs/cli.md).',
);
