// Path completion inside pathJoin(...) and after `local ..` over a real LSP client (stdio): the
// entries of the directory the prefix folds to, typed or half-typed; nothing for an unknown prefix
// and nothing above the folded one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lspClient';

let dir: string;
let home: string;
let client: TestClient;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-path-completion-'));
  home = join(dir, 'home');
  mkdirSync(join(home, 'modules', 'tool'), { recursive: true });
  for (const sub of ['bin', 'sif', 'txt']) mkdirSync(join(home, sub));
  writeFileSync(join(home, 'sif', 'tool.sif'), 'stand-in');
  writeFileSync(join(home, '.hidden'), '');
  // Beside the home: listed only if a completion escaped the folded prefix.
  mkdirSync(join(dir, 'outside-the-home'));
  // A prefix from the server's environment is folded with its value (hover shows it as $NAME).
  process.env.LUMI_PATH_COMPLETION_HOME = home;
  try {
    client = await startServer({ rootPath: home });
  } finally {
    delete process.env.LUMI_PATH_COMPLETION_HOME;
  }
});
after(async () => {
  await client?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** Completion labels at `|` in TEXT (the marker removed). */
async function labelsAt(marked: string): Promise<string[]> {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const uri = await client.open(join(home, 'modules', 'tool', `${++files}.0.lua`), text);
  await client.diagnostics(uri);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const result = (await client.connection.sendRequest('textDocument/completion', {
    textDocument: { uri },
    position: { line, character: at - (before.lastIndexOf('\n') + 1) },
  })) as CompletionItem[] | CompletionList;
  return (Array.isArray(result) ? result : result.items).map((i) => i.label).sort();
}

const root = () => `local signRoot = '${home}'\n`;

describe('path completion on a folded prefix', () => {
  it('lists the entries of what pathJoin’s earlier arguments fold to', async () => {
    assert.deepEqual(await labelsAt(root() + 'prepend_path("PATH", pathJoin(signRoot, "|"))\n'), [
      'bin',
      'modules',
      'sif',
      'txt',
    ]);
    assert.deepEqual(await labelsAt(root() + "setenv('SING_IMAGE', pathJoin(signRoot, 'sif/|'))\n"), [
      'tool.sif',
    ]);
  });
  it('lists them in a half-typed call (the string and brackets not closed yet)', async () => {
    assert.deepEqual(await labelsAt(root() + 'prepend_path("PATH", pathJoin(signRoot, "|'), [
      'bin',
      'modules',
      'sif',
      'txt',
    ]);
  });
  it('lists them after `local ..`, in prepend_path’s path and in a local', async () => {
    assert.deepEqual(await labelsAt(root() + 'prepend_path("PATH", signRoot .. "/s|")\n'), [
      'bin',
      'modules',
      'sif',
      'txt',
    ]);
    assert.deepEqual(await labelsAt(root() + 'local img = signRoot .. "/sif/|"\n'), ['tool.sif']);
  });
  it('folds a prefix read from the environment with its value', async () => {
    const fromEnv = "local envRoot = os.getenv('LUMI_PATH_COMPLETION_HOME')\n";
    assert.deepEqual(await labelsAt(fromEnv + 'prepend_path("PATH", pathJoin(envRoot, "|"))\n'), [
      'bin',
      'modules',
      'sif',
      'txt',
    ]);
    assert.deepEqual(await labelsAt(fromEnv + 'local img = envRoot .. "/sif/|"\n'), ['tool.sif']);
  });
  it('offers nothing for an unknown prefix (an unset variable, a global)', async () => {
    const unset = "local r = os.getenv('LUMI_PATH_COMPLETION_UNSET')\n";
    assert.deepEqual(await labelsAt(unset + 'prepend_path("PATH", pathJoin(r, "|"))\n'), []);
    assert.deepEqual(await labelsAt(unset + 'prepend_path("PATH", pathJoin(r, "../|"))\n'), []);
    assert.deepEqual(await labelsAt('prepend_path("PATH", pathJoin(someGlobal, "./|"))\n'), []);
  });
  it('never lists above the folded prefix', async () => {
    assert.deepEqual(await labelsAt(root() + 'prepend_path("PATH", pathJoin(signRoot, "../|"))\n'), []);
  });
});
