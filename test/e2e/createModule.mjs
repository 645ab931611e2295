// Scenario 2: "LUMI: Create Container Module" from the command palette in a fresh project home,
// answering each step like a user; a name with a space is refused at its step with the message.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textOf, waitUntil, wizardSteps } from './lib/workbench.mjs';

export const title = 'LUMI: Create Container Module, step by step';

const IMAGE_NAME = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif';

export async function run({ wb, page, workspaces, codeServer, shot }) {
  const ws = join(workspaces, 'new-project');
  mkdirSync(join(ws, 'containers'), { recursive: true });
  const image = join(ws, 'containers', IMAGE_NAME);
  writeFileSync(image, ''); // an empty stand-in for the .sif
  await wb.open(codeServer.folderUrl(ws));
  await wb.focusEditorArea();
  await wb.runCommand('LUMI: Create Container Module');

  const { input, titleBar, message, atStep } = wizardSteps(page);
  const answer = async (value) => {
    await input.fill(value);
    await page.keyboard.press('Enter');
  };

  // 1: a quick pick.
  await waitUntil(
    () => textOf(titleBar),
    (t) => t.includes('start from (1/8)'),
    'step 1/8 (start from)',
  );
  const template = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Bundled template' });
  await template.waitFor({ state: 'visible' });
  await shot('create-1-start');
  await template.click();

  // 2: name. A space is refused with the validation message, and the step stays.
  await atStep(2, 'name');
  await input.fill('my torch');
  await waitUntil(
    () => textOf(message),
    (t) => t.includes("must not contain '/' or spaces"),
    'the validation message for a name with a space',
  );
  await page.keyboard.press('Enter');
  await wb.settle(400); // Enter must not move on
  assert.match(await textOf(titleBar), /Create container module: name.*2\/8/s);
  assert.equal(await input.inputValue(), 'my torch');
  assert.match(await textOf(message), /must not contain '\/' or spaces/);
  await shot('create-2-invalid-name');
  await answer('my-torch');

  await atStep(3, 'version');
  await answer('2.3');

  await atStep(4, 'image');
  await answer(image);

  // 5: the style, a quick pick; the one the image suggests comes first (CSC's for this image).
  await waitUntil(
    () => textOf(titleBar),
    (t) => t.includes('style (5/8)'),
    'step 5/8 (style)',
  );
  const suggested = page.locator('.quick-input-list .monaco-list-row').first();
  await suggested.waitFor({ state: 'visible' });
  assert.match(await textOf(suggested), /CSC style.*suggested for this image/s);
  await suggested.click();

  // 6: the project home is offered as the workspace folder.
  assert.equal(await atStep(6, 'project home'), ws);
  await page.keyboard.press('Enter');

  // 7: a lumi-*-rocm-* image suggests the pytorch conda environment.
  assert.equal(await atStep(7, 'conda environment'), 'pytorch');
  await page.keyboard.press('Enter');

  // An image outside LUMI's container repository needs no bindings module.
  assert.equal(await atStep(8, 'bindings module'), '');
  await page.keyboard.press('Enter');

  // The modulefile opens, the notification offers the module commands.
  await wb.activeTab('2.3.lua').waitFor({ timeout: 30_000 });
  const toast = wb.notification('Created my-torch/2.3');
  await toast.waitFor({ state: 'visible' });
  const copy = toast.locator('.monaco-button', { hasText: 'Copy module commands' });
  await copy.waitFor({ state: 'visible' });
  assert.match(
    await textOf(toast),
    new RegExp(
      `module use ${join(ws, 'modules').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; module load my-torch/2\\.3`,
    ),
  );

  // The new files are in the Explorer (the tree reveals the opened modulefile).
  const explorer = page.locator('.explorer-folders-view');
  for (const name of ['bin', 'modules', 'my-torch', '2.3.lua', 'sif', 'txt']) {
    await explorer
      .locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${name.replace('.', '\\.')}\\s*$`) })
      .first()
      .waitFor({ timeout: 15_000 });
  }
  for (const f of [
    'modules/my-torch/2.3.lua',
    'bin/python',
    'txt/load-my-torch-2.3.txt',
    `sif/${IMAGE_NAME}`,
  ])
    assert.ok(existsSync(join(ws, f)), `${f} was written`);
  assert.match(
    readFileSync(join(ws, 'modules', 'my-torch', '2.3.lua'), 'utf8'),
    /setenv\("WITH_CONDA", "source \/opt\/conda\/etc\/profile\.d\/conda\.sh && conda activate pytorch"\)/,
  );
  await shot('create-done', { docs: 'create-module.png' });

  // "Copy module commands" puts both lines on the clipboard.
  await copy.click();
  const clipboard = await waitUntil(
    () => page.evaluate(() => globalThis.navigator.clipboard.readText()),
    (t) => t.includes('module load'),
    'the module commands on the clipboard',
    10_000,
  );
  assert.equal(clipboard, `module use ${join(ws, 'modules')}\nmodule load my-torch/2.3\n`);

  // No error or warning for the new modulefile. The hover answers once the server has the
  // document; its diagnostics (if any) are published right after the analysis.
  await wb.hover(wb.token('setenv'), 'Sets environment variable NAME');
  await wb.hideHover();
  await wb.settle(1000);
  assert.deepEqual(await wb.problems(), [], 'no problems in the Problems panel');
  assert.equal(
    await page.locator('.markers-panel .monaco-list-row').count(),
    0,
    'the Problems panel is empty',
  );
  assert.equal(
    await wb.editor().locator('.squiggly-error, .squiggly-warning').count(),
    0,
    'no squiggle in the new modulefile',
  );
  await shot('create-no-problems');
}
