// The language server over stdio (a real LSP client): a wrapper running `$WITH_CONDA` unevaluated
// is re-checked when the module of its home changes the value it gives WITH_CONDA (issue 26): one
// simple command, no wrapper-with-conda-not-evaluated; `... && conda activate`, the finding. In an
// open module (edited, unsaved) and in one on disk (the client's file watcher).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { codes, startServer, type TestClient } from '../helpers/lspClient';

const CODE = 'wrapper-with-conda-not-evaluated';
const SIMPLE = 'source /opt/miniconda3/bin/activate pytorch';
const CSC = 'source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch';
const WRAPPER = `#!/bin/bash
if [ -z "$SING_IMAGE" ]; then echo "SING_IMAGE is not set: load the module first" >&2; exit 1; fi
if [ -d /.singularity.d ]; then exec python "$@"; fi
export SINGULARITYENV_VIRTUAL_ENV="\${VIRTUAL_ENV:-}"
CMD="\\$WITH_CONDA && "
exec singularity exec "$SING_IMAGE" bash -c "$CMD exec python $(printf ' %q' "$@")"
`;

let root: string;
let client: TestClient;

const moduleText = (home: string, value: string) =>
  [
    `local root = '${home}'`,
    `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))`,
    `prepend_path('PATH', pathJoin(root, 'bin'))`,
    `setenv('WITH_CONDA', '${value}')`,
    '',
  ].join('\n');

function writeHome(home: string, value: string): void {
  for (const d of ['modules/tool', 'bin', 'sif']) mkdirSync(join(home, d), { recursive: true });
  writeFileSync(join(home, 'sif', 'tool.sif'), '');
  writeFileSync(join(home, 'modules', 'tool', '1.0.lua'), moduleText(home, value));
  writeFileSync(join(home, 'bin', 'python'), WRAPPER);
  chmodSync(join(home, 'bin', 'python'), 0o755);
}

const has = (d: Diagnostic[]) => d.some((x) => x.code === CODE);

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lumi-lsp-with-conda-'));
  writeHome(root, SIMPLE);
  client = await startServer({ rootPath: root, settings: { shellcheck: { enable: false } } });
});
after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("language server: the module's WITH_CONDA value re-checks its wrapper", () => {
  it('an open module edited: simple command, no finding; && in it, the finding; and back', async () => {
    const moduleUri = await client.open(join(root, 'modules', 'tool', '1.0.lua'), moduleText(root, SIMPLE));
    await client.diagnostics(moduleUri);
    const wrapperUri = await client.open(join(root, 'bin', 'python'), WRAPPER);
    const first = await client.diagnostics(wrapperUri, (d) => !has(d));
    assert.ok(!has(first), codes(first).join(', '));

    client.change(moduleUri, moduleText(root, CSC));
    const second = await client.diagnostics(wrapperUri, has);
    const finding = second.find((d) => d.code === CODE)!;
    assert.equal(finding.severity, 2);
    assert.equal(finding.range.start.line, 5, 'on the bash -c string');

    client.change(moduleUri, moduleText(root, SIMPLE));
    const third = await client.diagnostics(wrapperUri, (d) => !has(d));
    assert.ok(!has(third), codes(third).join(', '));
  });

  it('a module on disk, not open: its changed value reaches the open wrapper', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lumi-lsp-with-conda-disk-'));
    try {
      writeHome(home, CSC);
      const other = await startServer({ rootPath: home, settings: { shellcheck: { enable: false } } });
      try {
        const wrapperUri = await other.open(join(home, 'bin', 'python'), WRAPPER);
        // The workspace scan indexes the module: its value is shell code.
        await other.diagnostics(wrapperUri, has);
        const modulePath = join(home, 'modules', 'tool', '1.0.lua');
        writeFileSync(modulePath, moduleText(home, SIMPLE));
        await other.connection.sendNotification('workspace/didChangeWatchedFiles', {
          changes: [{ uri: pathToFileURL(modulePath).href, type: 2 }],
        });
        const after = await other.diagnostics(wrapperUri, (d) => !has(d));
        assert.ok(!has(after), codes(after).join(', '));
      } finally {
        await other.stop();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
