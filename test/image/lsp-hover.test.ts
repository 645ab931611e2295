// Hover on a local that names the module's image (`local singName = 'x.sif'`, joined onto the
// image directory later), through the bundled language server and a real LSP client: the image's
// facts as on SING_IMAGE itself; a local naming no image gets none. Needs `npm run build`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lspClient';
import { buildImage, type Built } from './images';

let root: string;
let image: Built;
let client: TestClient;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lumi-image-lsp-'));
  for (const d of ['modules/tool', 'sif', 'txt']) mkdirSync(join(root, d), { recursive: true });
  image = buildImage('conda', 'xz');
  copyFileSync(image.sif, join(root, 'sif', 'lumi-pytorch-rocm-6.0.3-python-3.10.sif'));
  writeFileSync(join(root, 'txt', 'load.txt'), 'Loaded\n');
  client = await startServer({
    rootPath: root,
    settings: { env: { PROJHOME: root }, shellcheck: { enable: false } },
  });
});
after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
  image?.cleanup();
});

const TEXT = [
  `local singName = 'lumi-pytorch-rocm-6.0.3-python-3.10.sif'`,
  `local message = 'load.txt'`,
  `local root = os.getenv('PROJHOME') or '/nonexistent'`,
  `local image = pathJoin(root, 'sif', singName)`,
  `setenv('SING_IMAGE', image)`,
  `LmodMessage(pathJoin(root, 'txt', message))`,
].join('\n');

async function hoverAt(uri: string, line: number, character: number): Promise<string | undefined> {
  const h = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line, character },
  })) as Hover | null;
  return h ? JSON.stringify(h.contents) : undefined;
}

describe('hover on a local that names the image', () => {
  it("shows the image's facts on the local's name and on its value", async () => {
    const uri = await client.open(join(root, 'modules/tool/1.0.lua'), TEXT + '\n');
    await client.diagnostics(uri);
    const value = TEXT.split('\n')[0].indexOf('lumi-pytorch');
    for (const character of [8, value + 5]) {
      const h = await hoverAt(uri, 0, character);
      assert.ok(h, `no hover at 0:${character}`);
      assert.match(h, /names the image/);
      assert.match(h, /SUSE Linux Enterprise Server 15 SP5/);
      assert.match(h, /WITH_CONDA needed: `yes: source \/opt\/miniconda3\/bin\/activate pytorch`/);
      assert.match(h, /conda: `\/opt\/miniconda3 \(envs: pytorch\)`/);
      assert.match(h, /Python: `3\.10, 3\.11`/);
    }
    // The local holding the whole path shows them too.
    assert.match((await hoverAt(uri, 3, 8)) ?? '', /SUSE Linux Enterprise Server 15 SP5/);
  });

  it('a local that names no image gets no image facts', async () => {
    const uri = await client.open(join(root, 'modules/tool/2.0.lua'), TEXT + '\n');
    const h = await hoverAt(uri, 1, 8);
    assert.ok(h === undefined || !/names the image|Image/.test(h), h);
  });
});
