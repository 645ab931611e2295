// The language server over stdio with a real LSP client (test/helpers/lspClient.ts), at the edges
// of the protocol: a slow first settings answer, versions that do not increase, shutdown.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { codes, startServer, type TestClient } from '../helpers/lspClient';

let root: string;
const clients: TestClient[] = [];
before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-server-faults-'));
  mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
  writeFileSync(
    join(root, 'SitePackage.lua'),
    `local function site_hello(s) return s end\nsandbox_registration{ site_hello = site_hello }\n`,
  );
});
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('language server: settings first, content not version, shutdown', () => {
  it('a document opened before workspace/configuration is answered is checked with the settings only', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = await startServer({
      rootPath: root,
      settings: { sitePackage: join(root, 'SitePackage.lua'), shellcheck: { enable: false } },
      configurationGate: gate,
    });
    clients.push(client);
    const uri = await client.open(
      join(root, 'modules', 'tool', '1.0.lua'),
      "site_hello('x')\nsite_helo('y')\n",
    );
    await sleep(1500); // far past the debounce: a check with the defaults would have been published
    release();
    const first = await client.diagnostics(uri, (d) => d.length > 0);
    const all = client.published(uri);
    assert.ok(all.length > 0);
    for (const diagnostics of all)
      assert.ok(
        !diagnostics.some((d) => d.code === 'unknown-function' && /site_hello'/.test(d.message)),
        `published with the defaults: ${JSON.stringify(diagnostics)}`,
      );
    assert.deepEqual(codes(first), ['unknown-function']); // site_helo only
  });

  it('a hover and a tree check asked before workspace/configuration is answered wait for the settings', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = await startServer({
      rootPath: root,
      settings: { sitePackage: join(root, 'SitePackage.lua'), shellcheck: { enable: false } },
      configurationGate: gate,
    });
    clients.push(client);
    const path = join(root, 'modules', 'tool', '4.0.lua');
    const text = "site_hello('x')\nsite_helo('y')\n";
    writeFileSync(path, text);
    const uri = await client.open(path, text);
    let answered = false;
    const hover = client.connection
      .sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } })
      .finally(() => (answered = true)) as Promise<{ contents: { value: string } } | null>;
    const tree = client.connection.sendRequest('lumiModules/checkFolder', {
      paths: [join(root, 'modules')],
    }) as Promise<{ file: string; code: string; message: string }[]>;
    await sleep(1000);
    assert.equal(answered, false, 'answered before the settings were known');
    release();
    assert.match(
      (await hover)?.contents.value ?? 'no hover',
      /Site function registered by .*SitePackage\.lua/,
    );
    const messages = (await tree).filter((f) => f.file === path).map((f) => f.message);
    assert.equal(messages.length, 1, `the tree was checked with the defaults: ${messages.join('; ')}`);
    assert.match(messages[0], /site_helo'/);
  });

  it('diagnostics follow the text when a version repeats (a second didOpen, a change with the same version)', async () => {
    const client = await startServer({ rootPath: root, settings: { shellcheck: { enable: false } } });
    clients.push(client);
    const path = join(root, 'modules', 'tool', '2.0.lua');
    const uri = await client.open(path, 'local unused = 1\n');
    assert.deepEqual(codes(await client.diagnostics(uri, (d) => d.length > 0)), ['unused-local']);
    await client.open(path, 'setenv("A", "b")\n'); // version 1 again
    assert.deepEqual(codes(await client.diagnostics(uri, (d) => d.length === 0, 5_000)), []);
    client.change(uri, 'undefined_call()\n', 1); // the same version once more
    assert.deepEqual(codes(await client.diagnostics(uri, (d) => d.length > 0, 5_000)), ['unknown-function']);
  });

  it('a request after shutdown gets InvalidRequest, and exit ends the process', async () => {
    const client = await startServer({ rootPath: root, settings: { shellcheck: { enable: false } } });
    const uri = await client.open(join(root, 'modules', 'tool', '3.0.lua'), 'setenv("A", "b")\n');
    await client.diagnostics(uri);
    await client.connection.sendRequest('shutdown');
    await assert.rejects(
      client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 1 },
      }),
      (err: { code?: number }) => err.code === -32600,
    );
    const exited = new Promise<number | null>((resolve) => client.process.once('exit', resolve));
    await client.connection.sendNotification('exit');
    const killer = setTimeout(() => client.process.kill('SIGKILL'), 5_000);
    assert.equal(await exited, 0);
    clearTimeout(killer);
    client.connection.dispose();
  });
});
