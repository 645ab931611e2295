// The image in the editor's hover and in a scaffold: the hover on SING_IMAGE shows the facts and
// follows a changed image; a scaffold for each kind of image writes what the image needs, so the
// fresh module is clean under the image checks.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { hoverModulefile } from '../../core/analysis/features/hover';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { planScaffold } from '../../core/scaffold/plan';
import { buildImage, type Built } from './images';

let home: string;
const built: Built[] = [];
before(async () => {
  await initBashParser();
  home = mkdtempSync(join(tmpdir(), 'lumi-image-editor-'));
  mkdirSync(join(home, 'sif'));
  for (const kind of ['conda', 'laif', 'plain', 'newconda'] as const) {
    const b = buildImage(kind, 'zstd');
    built.push(b);
    copyFileSync(b.sif, join(home, 'sif', `${kind}.sif`));
  }
});
after(() => {
  rmSync(home, { recursive: true, force: true });
  built.forEach((b) => b.cleanup());
});

describe('image hover', () => {
  it('shows the facts on SING_IMAGE and reads the image again when it changes', () => {
    const text = `setenv('SING_IMAGE', '${join(home, 'sif', 'hover.sif')}')\nprepend_path('PATH', '/tmp')\n`;
    copyFileSync(join(home, 'sif', 'conda.sif'), join(home, 'sif', 'hover.sif'));
    const file = join(home, 'modules', 'x', '1.lua');
    const env = makeEnv({ processEnv: {} });
    const pos = { line: 0, character: 24 };
    const hover = hoverModulefile(analyzeModulefile(text, file, env), pos);
    assert.ok(hover, 'no hover');
    assert.match(hover.markdown, /SUSE Linux Enterprise Server 15 SP5/);
    assert.match(hover.markdown, /WITH_CONDA needed: `yes: source \/opt\/miniconda3\/bin\/activate pytorch`/);
    assert.match(hover.markdown, /conda: `\/opt\/miniconda3 \(envs: pytorch\)`/);
    copyFileSync(join(home, 'sif', 'laif.sif'), join(home, 'sif', 'hover.sif'));
    const again = hoverModulefile(analyzeModulefile(text, file, env), pos);
    assert.match(again!.markdown, /Ubuntu 24\.04/);
    assert.match(again!.markdown, /venv: `\/opt\/venv \(Python 3\.12\.3\)`/);
    assert.match(again!.markdown, /SBOM: `CycloneDX, 3 packages: torch 2\.7\.1/);
  });
});

describe('scaffold from the image', () => {
  for (const kind of ['conda', 'laif', 'plain', 'newconda'] as const) {
    it(`a fresh module for the ${kind} image is clean under the image checks`, () => {
      const root = join(home, `project-${kind}`);
      const files = planScaffold({
        name: 'tool',
        version: '1.0',
        image: join(home, 'sif', `${kind}.sif`),
        root,
      });
      for (const f of files) {
        if (f.kind === 'dir') mkdirSync(f.path, { recursive: true });
        else if (f.kind === 'file') {
          mkdirSync(join(f.path, '..'), { recursive: true });
          writeFileSync(f.path, f.content ?? '');
          if (f.mode) chmodSync(f.path, f.mode);
        }
      }
      const module = files.find((f) => f.path.endsWith(join('modules', 'tool', '1.0.lua')))!;
      if (kind === 'conda') assert.match(module.content!, /source \/opt\/miniconda3\/bin\/activate pytorch/);
      else assert.doesNotMatch(module.content!, /WITH_CONDA/);
      const a = analyzeModulefile(module.content!, module.path, makeEnv({ processEnv: {} }));
      const imageFindings = a.findings.filter(
        (f) => f.code.startsWith('image-') || f.code === 'missing-with-conda',
      );
      assert.deepEqual(imageFindings, []);
    });
  }
});
