// "LUMI: Check Folder" on a generated module tree of 200 modules, none of them open, three with a
// planted mistake: a progress notification while the tree check runs, then the status bar summary,
// and the Problems panel holds the planted findings and nothing else.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textOf, waitUntil } from './lib/workbench.mjs';

export const title = 'LUMI: Check Folder on a tree of 200 modules';

const MODULES = 200;
/** The planted mistakes: module number, the line added, what the Problems panel must show. */
const PLANTED = [
  { module: 17, line: 'setnev("TOOL17_HOME", root)', code: 'unknown-function', text: "'setnev'" },
  { module: 88, line: 'puhsenv("TOOL88_MODE", "fast")', code: 'unknown-function', text: "'puhsenv'" },
  { module: 150, line: 'setenv("TOOL150_HOME", toolRoot)', code: 'undefined-variable', text: "'toolRoot'" },
];

const moduleName = (i) => `tool${String(i).padStart(3, '0')}`;

/** A project home with modules/toolNNN/1.0.lua: clean modules, except the planted lines. */
function writeTree(ws) {
  for (let i = 0; i < MODULES; i++) {
    const dir = join(ws, 'modules', moduleName(i));
    mkdirSync(dir, { recursive: true });
    const lines = [
      `local root = "/opt/tools/tool${i}"`,
      `whatis("Tool ${i}")`,
      `setenv("TOOL${i}_ROOT", root)`,
    ];
    const planted = PLANTED.find((p) => p.module === i);
    if (planted) lines.push(planted.line);
    writeFileSync(join(dir, '1.0.lua'), lines.join('\n') + '\n');
  }
}

export async function run({ wb, page, workspaces, codeServer, shot }) {
  const ws = join(workspaces, 'check-folder');
  writeTree(ws);
  await wb.open(codeServer.folderUrl(ws));
  await wb.focusEditorArea();

  // Watched for from before the command runs: the check is quick, and VS Code shows a progress
  // notification without a delay for at least 800 ms (workbench/services/progress/browser/progressService.ts).
  const progress = wb.notification('LUMI: checking check-folder');
  const sawProgress = progress.waitFor({ state: 'visible', timeout: 60_000 }).then(
    () => true,
    () => false,
  );
  await wb.runCommand('LUMI: Check Folder');
  assert.ok(await sawProgress, 'a progress notification while the folder is checked');

  // Done: the notification goes, the status bar says what was found.
  await progress.waitFor({ state: 'hidden', timeout: 120_000 });
  const status = page.locator('.statusbar-item', { hasText: 'LUMI: ' }).filter({ hasText: /in 3 files/ });
  await status.first().waitFor({ state: 'visible' });
  assert.match(await textOf(status.first()), /2 errors, 1 warning in 3 files/);

  // The Problems panel: exactly the planted findings, from lumi-modules, none of the clean modules.
  const rows = await waitUntil(
    () => wb.problems(),
    (r) => r.length >= PLANTED.length,
    `${PLANTED.length} rows in the Problems panel`,
  );
  assert.equal(rows.length, PLANTED.length, `only the planted findings:\n${rows.join('\n')}`);
  for (const p of PLANTED)
    assert.ok(
      rows.some((r) => r.includes(p.code) && r.includes(p.text) && r.includes('lumi-modules')),
      `${p.code} ${p.text} in the Problems panel:\n${rows.join('\n')}`,
    );
  const fileRows = await page
    .locator('.markers-panel .monaco-list-row')
    .evaluateAll((all) =>
      all.filter((row) => !row.querySelector('.marker-icon')).map((row) => row.innerText),
    );
  for (const p of PLANTED)
    assert.ok(
      fileRows.some((r) => r.includes(moduleName(p.module))),
      `the file row of ${moduleName(p.module)}:\n${fileRows.join('\n')}`,
    );
  await shot('check-folder', { docs: 'check-folder.png' });
}
