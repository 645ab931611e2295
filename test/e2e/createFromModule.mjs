// "LUMI: Create Container Module" -> "Add a version of an existing module" on a module of a LUMI
// user's shape (test/fixtures/user-home: bin/modules/NAME/6.0.lua, root from os.getenv('PROJHOME')
// without a fallback, bin/wrappers, images -> /appl/local/containers) in a workspace whose
// lumiModules.env sets PROJHOME to another project: the answers are prefilled from the module, a bad
// image is refused at its own step, the notification is plain text, the new module has no problem.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textOf, waitUntil, wizardSteps } from './lib/workbench.mjs';

export const title = "LUMI: Create Container Module, a new version of a module of the user's shape";

const IMAGE_NAME = 'lumi-pytorch-rocm-6.2.4-python-3.12-pytorch-v2.6.0.sif';

export async function run({ wb, page, workspaces, codeServer, shot, repo }) {
  const ws = join(workspaces, 'user-project');
  cpSync(join(repo, 'test', 'fixtures', 'user-home'), ws, { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(
    join(ws, '.vscode', 'settings.json'),
    JSON.stringify({ 'lumiModules.env': { PROJHOME: join(workspaces, 'another-project') } }),
  );
  const local = join(workspaces, 'local-images');
  mkdirSync(local, { recursive: true });
  const image = join(local, IMAGE_NAME);
  writeFileSync(image, '');
  await wb.open(codeServer.folderUrl(ws));
  await wb.focusEditorArea();
  await wb.runCommand('LUMI: Create Container Module');

  const { input, titleBar, message, atStep } = wizardSteps(page);
  const row = (text) => page.locator('.quick-input-list .monaco-list-row', { hasText: text });

  await row('Add a version of an existing module').first().click();
  await row('pytorch-rocm-mammoth/6.0').first().click();

  assert.equal(await atStep(2, 'name'), 'pytorch-rocm-mammoth');
  await page.keyboard.press('Enter');
  await atStep(3, 'version');
  await input.fill('6.1');
  await page.keyboard.press('Enter');

  // 4: the image, prefilled absolute through the home's images link; a relative path is refused here.
  assert.equal(await atStep(4, 'image'), `/appl/local/containers/sif-images/${IMAGE_NAME}`);
  await input.fill(`images/${IMAGE_NAME}`);
  await page.keyboard.press('Enter');
  await waitUntil(
    () => textOf(message),
    (t) => t.includes('give an absolute path'),
    'the refusal at step 4',
  );
  assert.match(await textOf(titleBar), /image.*4\/8/s);
  await shot('create-from-bad-image', { docs: 'create-from-module-image.png' });
  await input.fill(image);
  await page.keyboard.press('Enter');

  // 6: the home from where the module lies (HOME/bin/modules/NAME/6.0.lua), not PROJHOME.
  assert.equal(await atStep(6, 'project home'), ws);
  await page.keyboard.press('Enter');
  assert.equal(await atStep(7, 'conda environment'), 'pytorch');
  await page.keyboard.press('Enter');
  assert.equal(await atStep(8, 'bindings module'), '');
  await page.keyboard.press('Enter');

  await wb.activeTab('6.1.lua').waitFor({ timeout: 30_000 });
  const toast = wb.notification('Created pytorch-rocm-mammoth/6.1');
  await toast.waitFor({ state: 'visible' });
  const text = await textOf(toast);
  assert.doesNotMatch(text, /`/, 'plain text');
  assert.match(text, /module use .*bin\/modules; module load pytorch-rocm-mammoth\/6\.1/);
  assert.match(
    readFileSync(join(ws, 'bin', 'modules', 'pytorch-rocm-mammoth', '6.1.lua'), 'utf8'),
    /string\.match\(myFileName\(\)/,
  );
  await shot('create-from-done', { docs: 'create-from-module.png' });

  await wb.hover(wb.token('setenv'), 'Sets environment variable NAME');
  await wb.hideHover();
  await wb.settle(1500);
  assert.deepEqual(await wb.problems(), [], 'no problems with PROJHOME elsewhere');
}
