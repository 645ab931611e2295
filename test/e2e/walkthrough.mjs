// Scenario: the "Get started with LUMI container modules" walkthrough lists its three steps, and
// the first step's button opens the settings at lumiModules.run.host.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { textOf, waitUntil } from './lib/workbench.mjs';

export const title = 'the getting-started walkthrough';

const WALKTHROUGH = 'Get started with LUMI container modules';

export async function run({ wb, page, workspaces, codeServer, shot }) {
  const ws = join(workspaces, 'walkthrough');
  mkdirSync(ws, { recursive: true });
  await wb.open(codeServer.folderUrl(ws));
  await wb.focusEditorArea();
  await wb.runCommand('Welcome: Open Walkthrough...');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: WALKTHROUGH }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();

  const category = page.locator('.gettingStartedSlideDetails');
  await category.locator('.category-title', { hasText: WALKTHROUGH }).waitFor({ state: 'visible' });
  const steps = category.locator('.getting-started-step .step-title');
  const titles = await waitUntil(
    () => steps.allInnerTexts(),
    (t) => t.length === 3,
    'three walkthrough steps',
  );
  assert.deepEqual(
    titles.map((t) => t.trim()),
    ['Connect to LUMI', 'Create a container module', 'Run a Python script in the module'],
  );
  // The media of the expanded first step is our markdown, rendered in a webview.
  await page
    .locator(
      '.gettingStartedSlideDetails .getting-started-media iframe, .gettingStartedSlideDetails .getting-started-media webview',
    )
    .first()
    .waitFor({ state: 'attached' });
  await shot('walkthrough');

  const button = category.locator('.getting-started-step.expanded .monaco-button', {
    hasText: 'Set the host alias',
  });
  await button.click();
  const settings = page.locator('.settings-editor');
  await settings.waitFor({ state: 'visible' });
  // run.host is machine-overridable (a folder's settings may not choose where code runs unless
  // trusted): in code-server, which VS Code treats as a remote, such settings are on the Remote tab.
  const remoteTab = settings.locator('.settings-tabs-widget .action-label', { hasText: /^Remote/ }).first();
  if (await remoteTab.count()) await remoteTab.click();
  const item = settings.locator('.setting-item-contents', { hasText: 'Run: Host' }).first();
  await item.waitFor({ state: 'visible' });
  assert.match(await textOf(item), /SSH host alias of LUMI/);
  await shot('walkthrough-settings');
}
