// Scenario 3: "LUMI: Run Python File in Container Module" against a real sshd on 127.0.0.1
// (test/helpers/sshd.ts) whose login shell has real Lmod and a bwrap stand-in for singularity
// (test/helpers/containerStandin.ts). The module is made by `lumi-modules scaffold`.
// 1. An unknown host key (empty known_hosts, StrictHostKeyChecking ask): the modal shows the
//    SHA256 fingerprint; refusing it runs nothing. 2. Trusting it runs the script: its output and
//    exit code 3 appear in the `LUMI: hello_lumi.py` terminal. 3. A long run is stopped by "LUMI: Stop
//    remote runs", another by closing its terminal, a third by reloading the window; each time the
//    remote process is gone (pgrep).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textOf, waitUntil } from './lib/workbench.mjs';

export const title = 'LUMI: Run Python File in Container Module over SSH';

const ALIAS = 'lumi-e2e';
const SCRIPT = 'hello_lumi.py';

/** PIDs of processes whose command line contains `marker` (pgrep -f), without this check itself. */
function pgrep(marker) {
  const r = spawnSync('pgrep', ['-f', '--', marker], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l !== '' && Number(l) !== process.pid);
}

export async function run({ wb, repo, base, workspaces, codeServer, shot, cleanup }) {
  const { startSshd } = await import('../helpers/sshd.ts');
  const { createContainerStandin } = await import('../helpers/containerStandin.ts');

  // The "LUMI" side: sshd, the container stand-in on the login PATH, a scaffolded module.
  const sshd = await startSshd();
  cleanup.push(() => sshd.stop());
  const standin = createContainerStandin(join(base, 'standin'));
  cleanup.push(() => standin.dispose());
  sshd.addRemoteProfile(`export PATH=${standin.binDir}:$PATH`);
  const remoteRoot = join(base, 'lumi-project');
  mkdirSync(join(base, 'lumi-images'), { recursive: true });
  writeFileSync(join(base, 'lumi-images', 'e2e.sif'), '');
  const scaffold = spawnSync(
    process.execPath,
    [
      join(repo, 'dist', 'cli.js'),
      'scaffold',
      '--name',
      'e2e-py',
      '--version',
      '1.0',
      '--image',
      join(base, 'lumi-images', 'e2e.sif'),
      '--root',
      remoteRoot,
      '--conda-env',
      'pytorch',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, PROJHOME: '' },
    },
  );
  assert.equal(scaffold.status, 0, scaffold.stderr);
  const knownHosts = sshd.knownHostsFile('empty');
  const sshConfig = sshd.writeSshConfig(ALIAS, {
    knownHostsFile: knownHosts,
    extra: { StrictHostKeyChecking: 'ask' },
  });

  // The editor side: a workspace with two scripts and the run settings.
  const ws = join(workspaces, 'run-project');
  const long = `long_e2e_${randomBytes(4).toString('hex')}.py`;
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(
    join(ws, SCRIPT),
    [
      '# Says where it runs, then exits with status 3.',
      'import os',
      'import sys',
      '',
      'where = "inside the container" if os.path.isdir("/.singularity.d") else "on the host"',
      'print(f"Hello from Python {sys.version.split()[0]}, {where}")',
      'print("image:", os.environ.get("SING_IMAGE"))',
      'sys.exit(3)',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(ws, long),
    'import time\n\nprint("LUMI_E2E_LONG started", flush=True)\ntime.sleep(600)\n',
  );
  writeFileSync(
    join(ws, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'lumiModules.run.host': ALIAS,
        'lumiModules.run.modulePaths': [join(remoteRoot, 'modules')],
        'lumiModules.run.modules': ['e2e-py/1.0'],
        'lumiModules.run.idleTimeoutSeconds': 120,
      },
      null,
      2,
    ),
  );
  // The SSH config file is a user-level setting only (a folder's settings cannot choose it).
  codeServer.setUserSettings({ 'lumiModules.run.sshConfigFile': sshConfig });
  const starts = () => readFileSync(standin.logFile, 'utf8').split('\n').filter(Boolean).length;
  const uploads = join(sshd.remoteHome, '.cache', 'lumi-modules', 'runs');

  await wb.open(codeServer.folderUrl(ws));
  await wb.openFile(SCRIPT);

  // 1. Unknown host key: the modal with the fingerprint; refusing runs nothing.
  await wb.runCommand('LUMI: Run Python File in Container Module');
  const dialog = wb.dialog();
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const question = await textOf(dialog);
  assert.match(question, /The authenticity of host lumi-e2e .* can't be established/);
  assert.ok(
    question.includes(sshd.hostKeyFingerprint),
    `the dialog shows ${sshd.hostKeyFingerprint}:\n${question}`,
  );
  assert.match(sshd.hostKeyFingerprint, /^SHA256:/);
  await shot('run-1-unknown-host-key');
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await wb.waitForTerminalText(
    (t) => t.includes("can't be established") && t.includes('Not connecting'),
    'the refusal in the terminal',
  );
  assert.equal(starts(), 0, 'no container was started');
  assert.equal(existsSync(uploads), false, 'no script was uploaded');
  assert.equal(readFileSync(knownHosts, 'utf8'), '', 'known_hosts unchanged');
  await wb.notification("can't be established").waitFor({ state: 'visible' });
  await shot('run-2-refused');
  await wb.runCommand('Notifications: Clear All Notifications');

  // 2. Trusted: the script runs in the container; output and exit code 3 in the terminal.
  await wb.openFile(SCRIPT);
  await wb.runCommand('LUMI: Run Python File in Container Module');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Trust and connect' }).click();
  const out = await wb.waitForTerminalText(
    (t) => t.includes(`[${SCRIPT} exited with code`),
    `the exit line of ${SCRIPT}`,
    60_000,
  );
  assert.match(out, /Hello from Python 3\.\d+\.\d+, inside the container/, `the script's output:\n${out}`);
  assert.ok(out.includes(`image: ${join(remoteRoot, 'sif', 'e2e.sif')}`), `the script's output:\n${out}`);
  assert.ok(out.includes(`[${SCRIPT} exited with code 3]`), `exit code 3:\n${out}`);
  assert.ok(
    (await wb.terminalNames()).some((n) => n.includes(`LUMI: ${SCRIPT}`)),
    `the terminal is named LUMI: ${SCRIPT}`,
  );
  assert.ok(
    readFileSync(knownHosts, 'utf8').includes(sshd.hostPublicKey.split(' ')[1]),
    'the trusted key was added to known_hosts',
  );
  assert.equal(starts(), 1, 'one container start');
  // The kept connection shows in the status bar: host alias and state.
  await wb.page
    .locator('.statusbar-item', { hasText: `LUMI: ${ALIAS}` })
    .first()
    .waitFor({ state: 'visible' });
  await wb.settle(300);
  await shot('run-3-output', { docs: 'run.png' });

  // 3a. A long run, stopped with the status bar's Stop button: the remote python ends.
  await wb.openFile(long);
  await wb.runCommand('LUMI: Run Python File in Container Module');
  await wb.waitForTerminalText((t) => t.includes('LUMI_E2E_LONG started'), 'the long run to start', 60_000);
  assert.notDeepEqual(pgrep(long), [], 'the long run is running on the "remote"');
  // The Stop button in the status bar (the same as "LUMI: Stop Remote Runs").
  await wb.page.locator('.statusbar-item', { hasText: 'Stop' }).first().click();
  await wb.waitForTerminalText(
    (t) => t.includes(`[${long} exited with code 130, stopped]`),
    'the stopped run',
  );
  await waitUntil(
    async () => pgrep(long),
    (pids) => pids.length === 0,
    `no process of ${long} left`,
    15_000,
  );
  await shot('run-4-stopped');

  // 3b. Again, and this time close its terminal.
  await wb.openFile(long);
  await wb.runCommand('LUMI: Run Python File in Container Module');
  await wb.waitForTerminalText(
    (t) => t.includes('LUMI_E2E_LONG started') && !t.includes('exited with code'),
    'the second long run to start',
    60_000,
  );
  assert.notDeepEqual(pgrep(long), []);
  await wb.runCommand('Terminal: Kill the Active Terminal Instance');
  await waitUntil(
    async () => pgrep(long),
    (pids) => pids.length === 0,
    `no process of ${long} left after closing the terminal`,
    15_000,
  );
  await shot('run-5-terminal-closed');

  // 3c. Again, and this time reload the window: the extension host goes, and the run with it (the
  // remote side hears its stdin end even when no cancel gets through).
  await wb.openFile(long);
  await wb.runCommand('LUMI: Run Python File in Container Module');
  await wb.waitForTerminalText(
    (t) => t.includes('LUMI_E2E_LONG started') && !t.includes('exited with code'),
    'the third long run to start',
    60_000,
  );
  assert.notDeepEqual(pgrep(long), []);
  await wb.runCommand('Developer: Reload Window');
  await waitUntil(
    async () => pgrep(long),
    (pids) => pids.length === 0,
    `no process of ${long} left after reloading the window`,
    30_000,
  );
}
