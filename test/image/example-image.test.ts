// The example project's image (examples/sif, made by scripts/build-example-image.mjs): a real SIF
// the reader reads like unsquashfs does, that the script makes again byte for byte, and against
// which `npm run demo` shows the planted mistakes only, with no image-not-read note, and the
// editor still offers the prepend_path quick fix (its re-check moves the unset WITH_CONDA from
// image-python-needs-conda to missing-with-conda: one problem, not a new one).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { startServer } from '../helpers/lspClient';
import { clearImageFactsCache, localImageFacts } from '../../core/image/facts';
import { decideFromImage } from '../../core/image/decide';

const repo = join(__dirname, '..', '..');
const image = join(repo, 'examples', 'sif', 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif');

describe('the example image', () => {
  it('is a SIF shaped like the LUMI image the example module names', () => {
    clearImageFactsCache();
    const outcome = localImageFacts(image);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message);
    const f = outcome.facts;
    assert.equal(f.format, 'sif');
    assert.equal(f.os?.prettyName, 'SUSE Linux Enterprise Server 15 SP5');
    assert.deepEqual(
      f.conda.map((c) => [c.root, c.envs]),
      [['/opt/miniconda3', ['pytorch']]],
    );
    assert.equal(f.programs.python, undefined);
    assert.equal(decideFromImage(f).withConda, 'source /opt/miniconda3/bin/activate pytorch');
    assert.ok(f.size < 64 * 1024, `${f.size} bytes`);
  });

  it('is what scripts/build-example-image.mjs makes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-example-image-test-'));
    try {
      const rebuilt = join(dir, 'rebuilt.sif');
      execFileSync(process.execPath, [join(repo, 'scripts', 'build-example-image.mjs'), rebuilt], {
        stdio: 'ignore',
      });
      assert.ok(readFileSync(rebuilt).equals(readFileSync(image)), 'the rebuilt image differs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm run demo: the planted mistakes, no image-not-read', () => {
    const r = spawnSync(process.execPath, [join(repo, 'scripts', 'demo.mjs')], {
      cwd: repo,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /image-not-read/);
    assert.match(r.stdout, /image-python-needs-conda/);
    assert.match(r.stdout, /demo: as expected/);
  });

  it('the editor offers the prepend_path fix on the copied module (one problem, two codes)', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'lumi-example-fix-'));
    cpSync(join(repo, 'examples'), ws, { recursive: true, verbatimSymlinks: true });
    const client = await startServer({
      rootPath: ws,
      settings: { env: { PROJHOME: ws }, shellcheck: { enable: false } },
    });
    try {
      const file = join(ws, 'modules', 'pytorch-copied', '2.7.lua');
      const uri = await client.open(file, readFileSync(file, 'utf8'));
      const diagnostics = await client.diagnostics(uri, (d) =>
        d.some((x) => x.code === 'image-python-needs-conda'),
      );
      const typo = diagnostics.find((d: Diagnostic) => d.code === 'unknown-function')!;
      const actions = (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: typo.range,
        context: { diagnostics: [typo] },
      })) as CodeAction[];
      assert.ok(
        actions.some((a) => /prepend_path/.test(a.title) && !/Ignore/i.test(a.title)),
        actions.map((a) => a.title).join(', '),
      );
    } finally {
      await client.stop();
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
