// Scenario: workspace trust ON (issue 11). A cloned folder whose .vscode/settings.json names a
// program inside the folder as `lumiModules.shellcheck.path` is opened in Restricted Mode and a
// wrapper is opened: the checks work with ShellCheck from PATH and the folder's program never runs
// (it would leave a marker file). After the user trusts the folder, the user-level setting chooses
// the program (its marker appears) and the folder's program still never runs.
// Its own code-server: the shared one runs with --disable-workspace-trust.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeServer } from './lib/codeServer.mjs';
import { extensionErrors } from './extensionLog.mjs';
import { waitUntil } from './lib/workbench.mjs';
import { wrapperWithFindings, writeFakeShellcheck } from '../helpers/wrapperFixture.ts';

export const title = 'a folder of someone else never chooses the program that runs (trust on)';

const WRAPPER = wrapperWithFindings();

export async function run({ wb, page, repo, workspaces, base, codeServer: sharedServer, shot, cleanup }) {
  const root = join(base, 'trust');
  const ws = join(workspaces, 'cloned-project');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  mkdirSync(join(ws, 'bin'), { recursive: true });
  mkdirSync(join(root, 'user-tools'), { recursive: true });
  const folderMarker = join(root, 'folder-program-ran');
  const userMarker = join(root, 'user-program-ran');

  // The folder's "shellcheck": would leave a marker and report SC9999.
  const planted = join(ws, '.vscode', 'shellcheck');
  writeFakeShellcheck(planted, folderMarker, 9999);
  const runMarker = join(root, 'preamble-ran');
  writeFileSync(
    join(ws, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'lumiModules.shellcheck.path': planted,
        'lumiModules.run.host': 'lumi',
        'lumiModules.run.preamble': `touch '${runMarker}'`,
      },
      null,
      2,
    ),
  );
  writeFileSync(join(ws, 'hello.py'), 'print("hello")\n');
  writeFileSync(join(ws, 'bin', 'python'), WRAPPER);
  chmodSync(join(ws, 'bin', 'python'), 0o755);

  // The user's own ShellCheck (user settings): leaves a marker, then is the real one.
  const userProgram = join(root, 'user-tools', 'shellcheck');
  writeFileSync(userProgram, `#!/bin/sh\ntouch '${userMarker}'\nexec /usr/bin/shellcheck "$@"\n`);
  chmodSync(userProgram, 0o755);

  const codeServer = new CodeServer({
    bin: sharedServer.bin,
    base: join(root, 'code-server'),
    workspaceTrust: true,
  });
  cleanup.push(() => codeServer.stop());
  codeServer.installExtension(join(repo, 'dist', 'lumi-container-modules.vsix'));
  codeServer.setUserSettings({
    'security.workspace.trust.startupPrompt': 'always',
    'lumiModules.shellcheck.path': userProgram,
  });
  await codeServer.start();

  await page.goto(codeServer.folderUrl(ws));
  // The startup question: the reviewer does not trust the folder.
  const dialog = wb.dialog();
  await dialog.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await dialog.innerText(), /trust the authors/i);
  await shot('trust-1-startup-question');
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: /No/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
  const restricted = page.locator('.statusbar', { hasText: 'Restricted Mode' });
  await restricted.waitFor({ timeout: 30_000 });

  await wb.openFile('bin/python');
  // Our own checks and ShellCheck from PATH both report on the wrapper in Restricted Mode (the
  // unquoted $@ is ShellCheck's SC2068 alone: our wrapper-unquoted-args gives way to it).
  const untrusted = await waitUntil(
    () => wb.problems(),
    (rows) => rows.some((r) => r.includes('wrapper-no-venv')) && rows.some((r) => r.includes('SC2068')),
    'our wrapper-no-venv and ShellCheck from PATH (SC2068) in Restricted Mode',
    90_000,
  );
  await shot('trust-2-restricted-mode-checks');
  assert.ok(
    !untrusted.some((r) => r.includes('SC9999')),
    `the planted program reported:\n${untrusted.join('\n')}`,
  );
  assert.equal(existsSync(folderMarker), false, "the folder's program ran in Restricted Mode");
  assert.equal(existsSync(userMarker), false, 'Restricted Mode takes ShellCheck from PATH only');

  // A run on LUMI needs a trusted folder: refused, with the way to trust it.
  await wb.openFile('hello.py');
  await wb.runCommand('LUMI: Run Python File in Container Module');
  await wb.notification('runs on LUMI need a trusted folder').waitFor({ timeout: 30_000 });
  await shot('trust-2b-run-refused');
  assert.equal(existsSync(runMarker), false);
  await wb.runCommand('Notifications: Clear All Notifications');

  // The user trusts the folder: from then on the user-level setting chooses ShellCheck.
  await wb.runCommand('Workspaces: Manage Workspace Trust');
  const trustButton = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust/ }).first();
  await trustButton.waitFor({ state: 'visible' });
  await shot('trust-3-manage-trust');
  await trustButton.click();
  await restricted.waitFor({ state: 'detached', timeout: 30_000 });
  await waitUntil(
    () => existsSync(userMarker),
    (ran) => ran,
    "the user's ShellCheck to run once the folder is trusted",
    60_000,
  );
  await wb.runCommand('View: Close All Editors');
  await wb.openFile('bin/python');
  const trusted = await waitUntil(
    () => wb.problems(),
    (rows) => rows.some((r) => r.includes('SC2068')),
    'ShellCheck findings once trusted',
    60_000,
  );
  await shot('trust-4-trusted');
  assert.ok(
    !trusted.some((r) => r.includes('SC9999')),
    `the planted program reported:\n${trusted.join('\n')}`,
  );
  assert.equal(existsSync(folderMarker), false, "the folder's program ran after the folder was trusted");
  assert.deepEqual(
    extensionErrors(codeServer.userDataDir).found,
    [],
    'errors from the extension in the logs',
  );

  // The same folder in the shared code-server (trust disabled, so every folder counts as trusted):
  // still only ShellCheck from PATH or the user's settings, never the folder's program.
  await wb.open(sharedServer.folderUrl(ws));
  await wb.openFile('bin/python');
  const shared = await waitUntil(
    () => wb.problems(),
    (rows) => rows.some((r) => r.includes('SC2068')),
    'ShellCheck findings with trust disabled',
    60_000,
  );
  assert.ok(!shared.some((r) => r.includes('SC9999')), `the planted program reported:\n${shared.join('\n')}`);
  assert.equal(existsSync(folderMarker), false, "the folder's program ran with workspace trust disabled");
}
