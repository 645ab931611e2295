// Scenario 1: checks as you type, in a copy of examples/ (a realistic project home whose
// modules/pytorch-copied/2.7.lua has planted mistakes). Squiggles, the Problems panel with our
// codes, hover documentation and resolved paths, and a quick fix that removes its diagnostic.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { textOf, waitUntil } from './lib/workbench.mjs';

export const title = 'diagnostics, hover and quick fix in a copy of examples/';

export async function run({ wb, page, repo, workspaces, codeServer, shot }) {
  const ws = join(workspaces, 'examples');
  cpSync(join(repo, 'examples'), ws, { recursive: true, verbatimSymlinks: true });
  await wb.open(codeServer.folderUrl(ws));
  await wb.openFile('modules/pytorch-copied/2.7.lua');

  // Squiggles in the editor, then the Problems panel lists our codes.
  await wb.editor().locator('.squiggly-warning').first().waitFor({ timeout: 60_000 });
  const codes = ['undefined-variable', 'unknown-function', 'image-python-needs-conda'];
  const problems = await waitUntil(
    () => wb.problems(),
    (rows) => codes.every((c) => rows.some((r) => r.includes(c))),
    `Problems rows with ${codes.join(', ')}`,
  );
  assert.ok(
    problems.some((r) => r.includes("'singRoot' is not defined") && r.includes('signRoot')),
    'the typo names the local it probably meant',
  );
  assert.ok(
    problems.some((r) => r.includes('did you mean prepend_path?')),
    'unknown-function suggests prepend_path',
  );
  assert.ok(
    problems.every((r) => r.includes('lumi-modules')),
    'every entry comes from lumi-modules',
  );
  await shot('diagnostics-problems');

  // Hover on an Lmod function: its signature and documentation.
  const setenvHover = await wb.hover(wb.token('setenv'), 'Sets environment variable NAME');
  assert.match(setenvHover, /setenv\(NAME, value\)/);
  await shot('diagnostics-hover-function');
  await wb.hideHover();

  // Hover on a path expression: its resolved value (PROJHOME is ${workspaceFolder} in the
  // workspace settings) and that it exists (images -> sif).
  const image = join(ws, 'images', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif');
  const pathHover = await wb.hover(wb.token("'images'"), image);
  assert.match(pathHover, /exists \(file\)/);
  await shot('diagnostics-hover-path', { docs: 'hover.png' });
  await wb.hideHover();

  // Quick fix: Ctrl+. on prepen_path, choose "prepend_path"; the diagnostic disappears.
  await wb.token('prepen_path').click();
  await page.keyboard.press('Control+.');
  await page
    .locator('.action-widget .monaco-list-row.action', { hasText: 'prepend_path' })
    .first()
    .waitFor({ state: 'visible' });
  // The menu is keyboard-driven (a pointer block covers the page): move to the entry, Enter.
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  for (let i = 0; i < 10 && !(await textOf(focused).catch(() => '')).includes('prepend_path'); i++)
    await page.keyboard.press('ArrowDown');
  assert.match(await textOf(focused), /Rename to prepend_path/);
  await shot('diagnostics-quick-fix-menu', { docs: 'diagnostics.png' });
  await page.keyboard.press('Enter');
  await waitUntil(
    () => wb.editorText(),
    (t) => /prepend_path\('PATH'/.test(t) && !/prepen_path/.test(t),
    'the editor to read prepend_path',
  );
  const after = await waitUntil(
    () => wb.problems(),
    (rows) => !rows.some((r) => r.includes('unknown-function')),
    'unknown-function to leave the Problems panel',
  );
  assert.ok(
    after.some((r) => r.includes('undefined-variable')),
    'the other diagnostics stay',
  );
  await page.keyboard.press('Control+S');
  await wb.activeTab('2.7.lua').and(page.locator('.tab:not(.dirty)')).waitFor();
  await shot('diagnostics-after-fix');
}
