// Scenario 4: the extension host logs (one exthostN/ directory per window of the run) and the
// "LUMI Container Modules" output channel show no error from the extension.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const title = 'no error from the extension in the extension host log';

const OURS = /lumi-tools\.lumi-container-modules|lumiModules|LUMI Container Modules|lumi-modules/i;

/** Every file under DIR (none when DIR does not exist). */
function walk(dir) {
  let names;
  try {
    names = readdirSync(dir, { recursive: true });
  } catch {
    return [];
  }
  return names.map((name) => join(dir, name)).filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

/** Log entries (a timestamped line plus its continuation lines, e.g. a stack) at level error. */
export function errorEntries(text) {
  const entries = [];
  let current;
  for (const line of text.split('\n')) {
    if (
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[/.test(line) ||
      /^\[(Error|Warn|Info|Trace|Debug)\s+-/.test(line)
    ) {
      current = { level: /\[(error|Error)\b/.test(line) ? 'error' : 'other', text: line };
      entries.push(current);
    } else if (current) {
      current.text += `\n${line}`;
    }
  }
  // vscode-languageclient logs every exit of the server at error level, also the clean exit of a
  // stop (LUMI: Restart Language Server); exit code 0 is no error.
  const cleanExit = /^\[Error - [^\]]+\] Server process exited with code 0\.$/;
  return entries
    .filter((e) => e.level === 'error' && !cleanExit.test(e.text.trimEnd()))
    .map((e) => e.text.trimEnd());
}

/** Errors of our extension in the logs under USER_DATA_DIR/logs. */
export function extensionErrors(userDataDir) {
  const files = walk(join(userDataDir, 'logs'));
  const exthostLogs = files.filter((f) => /exthost[^/]*\.log$/i.test(f.split('/').pop()));
  const channelLogs = files.filter((f) => /LUMI Container Modules/.test(f.split('/').pop()));
  const found = [];
  for (const f of exthostLogs)
    for (const e of errorEntries(readFileSync(f, 'utf8'))) if (OURS.test(e)) found.push(`${f}:\n${e}`);
  for (const f of channelLogs)
    for (const e of errorEntries(readFileSync(f, 'utf8'))) found.push(`${f}:\n${e}`);
  return { exthostLogs, channelLogs, found };
}

export async function run({ codeServer, consoleErrors }) {
  const { exthostLogs, found } = extensionErrors(codeServer.userDataDir);
  assert.ok(exthostLogs.length > 0, `extension host logs exist under ${codeServer.userDataDir}/logs`);
  const activated = exthostLogs.some((f) =>
    readFileSync(f, 'utf8').includes('_doActivateExtension lumi-tools.lumi-container-modules'),
  );
  assert.ok(activated, 'the log shows the extension being activated');
  assert.deepEqual(found, [], 'errors from the extension in the logs');
  const ours = consoleErrors.filter((e) => OURS.test(e));
  assert.deepEqual(ours, [], 'errors from the extension in the browser console');
}
