// Scenario: the language server's own commands. With `lumiModules.trace.server` set in the folder's
// settings the output channel carries the LSP trace; "LUMI: Restart Language Server" starts a new
// server (a second ready line); "LUMI: Show Output" is what Workbench.waitForExtension uses.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_READY_LINE, waitUntil } from './lib/workbench.mjs';

export const title = 'LUMI: Restart Language Server, Show Output and lumiModules.trace.server';

/**
 * The "LUMI Container Modules" output channel log of this scenario's window: the one holding the
 * LSP trace (windows of earlier scenarios have channel logs too, without a trace).
 */
function tracedChannelLog(userDataDir) {
  const logs = join(userDataDir, 'logs');
  const files = readdirSync(logs, { recursive: true })
    .map((name) => join(logs, name))
    .filter((p) => /LUMI Container Modules/.test(p.split('/').pop()) && statSync(p).isFile());
  return files.find((p) => readFileSync(p, 'utf8').includes("Sending request 'initialize"));
}

const count = (text, line) => text.split('\n').filter((l) => l.includes(line)).length;

export async function run({ wb, workspaces, codeServer, shot }) {
  const ws = join(workspaces, 'server-commands');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(
    join(ws, '.vscode', 'settings.json'),
    JSON.stringify({ 'lumiModules.trace.server': 'messages' }),
  );
  // A modulefile activates the extension by itself (workspaceContains). With the trace on, the
  // ready line scrolls out of the output panel at once: this scenario reads the channel's log file.
  mkdirSync(join(ws, 'modules', 'tool'), { recursive: true });
  writeFileSync(join(ws, 'modules', 'tool', '1.0.lua'), 'setenv("TOOL_HOME", "/opt/tool")\n');
  await wb.open(codeServer.folderUrl(ws), { waitForExtension: false });
  const log = await waitUntil(
    () => tracedChannelLog(codeServer.userDataDir),
    Boolean,
    'the output channel log with the LSP trace',
    120_000,
  );
  const first = await waitUntil(
    () => readFileSync(log, 'utf8'),
    (t) => count(t, SERVER_READY_LINE) === 1,
    `one ready line in ${log}`,
  );
  assert.match(first, /Sending request 'initialize/, 'trace.server "messages" traces the LSP messages');

  await wb.runCommand('LUMI: Restart Language Server');
  const afterRestart = await waitUntil(
    () => readFileSync(log, 'utf8'),
    (t) => count(t, SERVER_READY_LINE) === 2,
    'a second ready line after the restart',
  );
  assert.match(afterRestart, /restarting the language server/);
  assert.equal(count(afterRestart, "Sending request 'initialize"), 2, 'the new server was initialised');
  await wb.runCommand('LUMI: Show Output');
  await shot('server-output');
}
