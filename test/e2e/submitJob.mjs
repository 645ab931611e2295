// Scenario: "LUMI: Submit Python File as Batch Job" and the "LUMI Jobs" view against a real
// one-node Slurm (test/helpers/slurm.ts) behind a real sshd (test/helpers/sshd.ts).
// 1. Submitting a script from the editor: its status bar item shows RUNNING, then COMPLETED, and
//    its output and end line appear in the job's terminal. 2. A job held pending (submitted with
//    sbatch --begin=now+600) is listed in the LUMI Jobs view with its reason and cancelled there
//    (inline action, confirmed in the modal); squeue no longer lists it. 3. A running job is
//    re-attached after the window reloads: its terminal and status bar item come back by job id.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textOf, waitUntil } from './lib/workbench.mjs';

export const title = 'LUMI: Submit Python File as Batch Job, LUMI Jobs view';

const ALIAS = 'lumi-jobs-e2e';
const SCRIPT = 'train_e2e.py';

export async function run({ wb, page, base, workspaces, codeServer, shot, cleanup }) {
  const { startSlurmBehindSshd } = await import('../helpers/slurm.ts');
  // `python` on the login PATH (and so in the job) without a container: this is about Slurm.
  mkdirSync(join(base, 'jobs-bin'), { recursive: true });
  symlinkSync('/usr/bin/python3', join(base, 'jobs-bin', 'python'));
  const pair = await startSlurmBehindSshd(ALIAS, {
    profile: `export PATH=${join(base, 'jobs-bin')}:$PATH`,
    sshOptions: { StrictHostKeyChecking: 'yes' },
  });
  cleanup.push(() => pair.stop());
  const { slurm, config: sshConfig } = pair;

  const ws = join(workspaces, 'jobs-project');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(
    join(ws, 'slow_e2e.py'),
    'import time\n\nfor i in range(8):\n    print(f"step {i}", flush=True)\n    time.sleep(1)\n',
  );
  writeFileSync(
    join(ws, SCRIPT),
    'import time\n\nprint("\\x1b[32mepoch 1: loss 0.42\\x1b[0m", flush=True)\ntime.sleep(5)\nprint("training done")\n',
  );
  writeFileSync(
    join(ws, '.vscode', 'settings.json'),
    JSON.stringify(
      { 'lumiModules.run.host': ALIAS, 'lumiModules.submit.account': 'project_465000000' },
      null,
      2,
    ),
  );
  // The SSH config file is a user-level setting only (a folder's settings cannot choose it).
  codeServer.setUserSettings({ 'lumiModules.run.sshConfigFile': sshConfig });
  const queued = () => slurm.client('squeue', ['-h', '-o', '%i %j %T']).stdout;

  await wb.open(codeServer.folderUrl(ws));
  await wb.openFile(SCRIPT);

  // 1. Submit from the editor: RUNNING, then COMPLETED in the status bar; output in the terminal.
  await wb.runCommand('LUMI: Submit Python File as Batch Job');
  const running = page.locator('.statusbar-item', { hasText: /\d+ RUNNING/ }).first();
  await running.waitFor({ state: 'visible', timeout: 60_000 });
  const jobId = /(\d+) RUNNING/.exec(await textOf(running))[1];
  assert.match(slurm.client('scontrol', ['show', 'job', jobId]).stdout, /Account=project_465000000/);
  await wb.waitForTerminalText(
    (t) => t.includes('epoch 1: loss 0.42'),
    'the first line of the job in its terminal',
    30_000,
  );
  await shot('jobs-1-running');
  await page
    .locator('.statusbar-item', { hasText: `${jobId} COMPLETED` })
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
  const out = await wb.waitForTerminalText(
    (t) => t.includes(`[job ${jobId} COMPLETED, exit code 0]`),
    'the end line of the job',
    30_000,
  );
  assert.ok(out.includes(`[job ${jobId} RUNNING on ${slurm.nodeName}]`), out);
  assert.ok(out.indexOf('epoch 1: loss 0.42') < out.indexOf('training done'), out);
  // The terminal is named after the job (the panel's title shows the single terminal's name).
  await page
    .locator('.part.panel', { hasText: `LUMI job ${jobId}: ${SCRIPT}` })
    .first()
    .waitFor({ state: 'visible' });
  await shot('jobs-2-completed');

  // 2. A pending job, cancelled from the LUMI Jobs view.
  const held = slurm.client('sbatch', [
    '--parsable',
    '--begin=now+600',
    '--job-name=pending-e2e',
    `--chdir=${base}`,
    '--wrap',
    'echo never',
  ]);
  assert.equal(held.status, 0, held.stderr);
  const heldId = held.stdout.trim();
  await wb.runCommand('View: Show Explorer');
  const header = page.locator('.pane-header', { hasText: 'LUMI Jobs' }).first();
  await header.waitFor({ state: 'visible' });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await wb.runCommand('LUMI Jobs: Refresh');
  const row = page.locator('.monaco-list-row', { hasText: `${heldId} pending-e2e` }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await textOf(row), /PENDING 0:00 \(BeginTime\)/);
  // For the picture: the folder pane collapsed, the side bar wider, the panel closed.
  const folder = page.locator('.pane-header', { hasText: 'JOBS-PROJECT' }).first();
  if ((await folder.getAttribute('aria-expanded')) === 'true') await folder.click();
  await wb.runCommand('View: Hide Panel');
  await wb.runCommand('Focus on LUMI Jobs View');
  for (let i = 0; i < 6; i++) await wb.runCommand('Increase Current View Size');
  await row.hover();
  await page.waitForTimeout(300);
  await shot('jobs-3-view', { docs: 'jobs-view.png' });
  await row.locator('.action-label[aria-label="Cancel Job"]').click();
  const dialog = wb.dialog();
  await dialog.waitFor({ state: 'visible' });
  assert.match(
    await textOf(dialog),
    new RegExp(`Cancel LUMI job ${heldId} \\(pending-e2e\\) on ${ALIAS}\\?`),
  );
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel job' }).click();
  await waitUntil(queued, (q) => !q.includes(heldId), `squeue no longer lists ${heldId}`, 30_000);
  assert.match(slurm.client('scontrol', ['show', 'job', heldId]).stdout, /JobState=CANCELLED/);
  await row.waitFor({ state: 'detached', timeout: 30_000 });
  await shot('jobs-4-cancelled');

  // 3. Re-attach after a window reload.
  await wb.runCommand('View: Show Explorer');
  await wb.openFile('slow_e2e.py');
  await wb.runCommand('LUMI: Submit Python File as Batch Job');
  const slow = page.locator('.statusbar-item', { hasText: /\d+ RUNNING/ }).first();
  await slow.waitFor({ state: 'visible', timeout: 60_000 });
  const slowId = /(\d+) RUNNING/.exec(await textOf(slow))[1];
  await wb.waitForTerminalText((t) => t.includes('step 0'), 'the slow job to print', 30_000);
  await wb.runCommand('Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.statusbar').waitFor();
  await page
    .locator('.statusbar-item', { hasText: new RegExp(`${slowId} (RUNNING|COMPLETED)`) })
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
  await page
    .locator('.part.panel', { hasText: `LUMI job ${slowId}: slow_e2e.py` })
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  const again = await wb.waitForTerminalText(
    (t) => t.includes(`[job ${slowId} COMPLETED, exit code 0]`),
    'the re-attached job to end',
    60_000,
  );
  // Re-attached by id: the whole output file again, from its first line.
  assert.ok(again.includes('step 0') && again.includes('step 7'), again);
  await shot('jobs-5-reattached');
}
