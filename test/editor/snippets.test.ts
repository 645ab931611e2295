// Completion snippets use the file's own root local (a real LSP client over stdio): the prepend_path
// snippet built `pathJoin(root, "bin")` with an undefined `root`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lspClient';

let dir: string;
let client: TestClient;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-snippets-'));
  mkdirSync(join(dir, 'modules', 'tool'), { recursive: true });
  client = await startServer({ rootPath: dir });
});
after(async () => {
  await client?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function prependSnippet(name: string, text: string): Promise<string> {
  const uri = await client.open(join(dir, 'modules', 'tool', name), text);
  const lines = text.split('\n');
  const result = (await client.connection.sendRequest('textDocument/completion', {
    textDocument: { uri },
    position: { line: lines.length - 1, character: lines[lines.length - 1].length },
  })) as CompletionItem[] | CompletionList;
  const item = (Array.isArray(result) ? result : result.items).find((i) => i.label === 'prepend_path');
  assert.ok(item, 'prepend_path offered');
  return item.textEdit?.newText ?? item.insertText ?? '';
}

describe('snippets with the file’s own locals', () => {
  it('build paths from the root local, whatever its name', async () => {
    const snippet = await prependSnippet('a.lua', "local singRoot = os.getenv('PROJHOME')\nprep");
    assert.match(snippet, /pathJoin\(singRoot, "bin"\)/);
  });
  it('insert no undefined name in a file without a root local', async () => {
    const snippet = await prependSnippet('b.lua', 'prep');
    assert.doesNotMatch(snippet, /\broot\b/);
    assert.match(snippet, /"\/path\/to\/bin"/);
  });
});
