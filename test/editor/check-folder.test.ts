// "LUMI: Check Folder" through the language server (server/checkFolder.ts), with a real LSP client
// over stdio: the tree check's findings for every modulefile and wrapper of a folder, open or not.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { startServer, type TestClient } from '../helpers/lspClient';

let dir: string;
let client: TestClient;
const MODULES = 200;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-check-folder-'));
  for (let i = 0; i < MODULES; i++) {
    mkdirSync(join(dir, 'modules', `m${i}`), { recursive: true });
    // Every tenth module has a typo'd Lmod function: an unknown-function finding each.
    const call = i % 10 === 0 ? 'setnev' : 'setenv';
    writeFileSync(join(dir, 'modules', `m${i}`, '1.0.lua'), `${call}("X${i}", "1")\n`);
  }
  client = await startServer({ rootPath: dir });
});
after(async () => {
  await client?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('lumiModules/checkFolder', () => {
  it('answers the findings of every module in the folder, none of them open', async () => {
    const findings = (await client.connection.sendRequest('lumiModules/checkFolder', { paths: [dir] })) as {
      file: string;
      code: string;
    }[];
    const typos = findings.filter((f) => f.code === 'unknown-function').map((f) => f.file);
    assert.deepEqual(
      typos.sort(),
      Array.from({ length: MODULES / 10 }, (_, k) => join(dir, 'modules', `m${k * 10}`, '1.0.lua')).sort(),
    );
  });

  it('answers null when cancelled', async () => {
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('lumiModules/checkFolder', { paths: [dir] }, source.token);
    source.cancel();
    const answer = await pending.catch((err: { code?: number }) => err.code);
    // The server saw the cancellation (null) or the client dropped the request (RequestCancelled).
    assert.ok(answer === null || answer === -32800, String(answer));
  });

  it('ignores paths that are not absolute', async () => {
    assert.deepEqual(
      await client.connection.sendRequest('lumiModules/checkFolder', { paths: ['modules'] }),
      [],
    );
  });
});

describe('the output channel', () => {
  it("names ShellCheck's path and version and the trust mode", async () => {
    const deadline = Date.now() + 10_000;
    while (!client.logs().some((l) => l.startsWith('ShellCheck: ')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const line = client.logs().find((l) => l.startsWith('ShellCheck: '));
    assert.match(line ?? '', /^ShellCheck: \S*shellcheck \(version \d+\.\d+\.\d+\); trusted folder$/);
  });
});
