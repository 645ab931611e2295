// Issue 11, item 5, in the editor: a workspace holding a modulefile with capture('cat /dev/zero'),
// one reading a FIFO, and a FIFO named like a modulefile. The server never opens them, keeps
// answering, and says what the capture files are. Needs `npm run build`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { codes, startServer, type TestClient } from '../helpers/lspClient';

let root: string;
let client: TestClient;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lumi-lsp-hostile-'));
  mkdirSync(join(root, 'modules', 'zero'), { recursive: true });
  mkdirSync(join(root, 'modules', 'pipe'), { recursive: true });
  mkdirSync(join(root, 'txt'));
  assert.equal(spawnSync('mkfifo', [join(root, 'txt', 'load.txt')]).status, 0);
  assert.equal(spawnSync('mkfifo', [join(root, 'modules', 'pipe', '2.0.lua')]).status, 0);
  symlinkSync('/dev/zero', join(root, 'txt', 'zero.txt'));
  writeFileSync(
    join(root, 'modules', 'zero', '1.0.lua'),
    `LmodMessage(capture('cat ${join(root, 'txt', 'zero.txt')}'))\nsetenv('SING_IMAGE', '${root}/x.sif')\n`,
  );
  writeFileSync(
    join(root, 'modules', 'pipe', '1.0.lua'),
    `LmodMessage(capture('cat ${join(root, 'txt', 'load.txt')}'))\nsetenv('SING_IMAGE', '${root}/x.sif')\n`,
  );
  // The workspace scan indexes both modules (and must skip the FIFO named 2.0.lua) at start-up.
  client = await startServer({ rootPath: root, settings: { shellcheck: { enable: false } } });
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('language server and files that are not regular files', () => {
  for (const [name, what] of [
    ['zero', 'symlink to /dev/zero'],
    ['pipe', 'FIFO'],
  ] as const) {
    it(`reports a capture('cat F') of a ${what} without reading it`, async () => {
      const path = join(root, 'modules', name, '1.0.lua');
      const text = spawnSync('cat', [path], { encoding: 'utf8' }).stdout;
      const uri = await client.open(path, text);
      const diagnostics = await client.diagnostics(
        uri,
        (d) => d.some((x) => x.code === 'path-not-found'),
        20_000,
      );
      assert.ok(
        diagnostics.some(
          (d) => d.code === 'capture-file-unreadable' && /FIFO, device or socket/.test(d.message),
        ),
        codes(diagnostics).join(' '),
      );
    });
  }

  it('keeps answering', async () => {
    const uri = await client.open(join(root, 'modules', 'zero', '3.0.lua'), 'prepen_path("PATH", "/x")\n');
    const diagnostics = await client.diagnostics(
      uri,
      (d) => d.some((x) => x.code === 'unknown-function'),
      20_000,
    );
    assert.ok(diagnostics.length > 0);
    assert.equal(client.process.exitCode, null);
  });
});
