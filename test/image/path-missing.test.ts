// image-path-missing on real images (mksquashfs + siftool): a wrapper that runs or sources an
// absolute path inside the container the image lacks is found; the same wrapper against an image
// that has the path, paths under bind targets and host roots, links into them, and code that
// does not certainly run give nothing.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { buildImage, type Built } from './images';

let home: string;
const images: Built[] = [];
before(async () => {
  await initBashParser();
  home = mkdtempSync(join(tmpdir(), 'lumi-image-paths-'));
  mkdirSync(join(home, 'sif'));
  const conda = buildImage('conda', 'gzip', {
    // A link out of the image, into a directory LUMI mounts from the host.
    'opt/site': { link: '/scratch/project_462000000/site' },
    'opt/notes.txt': 'not a program\n',
    '.singularity.d/runscript': { mode: 0o755, text: '#!/bin/sh\nexec /bin/bash "$@"\n' },
  });
  // The image CSC-style wrappers are written for: conda in /opt/conda.
  const cscStyle = buildImage('conda', 'zstd', {
    'opt/conda/conda-meta/history': '',
    'opt/conda/bin/python': { mode: 0o755, text: '\x7fELF stand-in\n' },
    'opt/conda/etc/profile.d/conda.sh': '# conda.sh\n',
  });
  images.push(conda, cscStyle);
  copyFileSync(conda.sif, join(home, 'sif', 'conda.sif'));
  copyFileSync(cscStyle.sif, join(home, 'sif', 'csc.sif'));
  copyFileSync(conda.sqsh, join(home, 'sif', 'conda.sqsh'));
});
after(() => {
  rmSync(home, { recursive: true, force: true });
  images.forEach((b) => b.cleanup());
});

let count = 0;
/** image-path-missing findings of a module for IMAGE whose PATH holds one wrapper with BODY. */
function findings(image: string, body: string, moduleLines: string[] = []) {
  const bin = join(home, `bin${++count}`);
  mkdirSync(bin);
  writeFileSync(join(bin, 'python'), `#!/bin/bash\n[ -n "$SING_IMAGE" ] || exit 1\n${body}\n`);
  chmodSync(join(bin, 'python'), 0o755);
  const text =
    [
      `local root = os.getenv('PROJHOME') or '/nonexistent'`,
      `setenv('SING_IMAGE', pathJoin(root, 'sif', '${image}'))`,
      `prepend_path('PATH', pathJoin(root, 'bin${count}'))`,
      ...moduleLines,
    ].join('\n') + '\n';
  const a = analyzeModulefile(
    text,
    join(home, 'modules', 'tool', '1.0.lua'),
    makeEnv({ vars: { PROJHOME: home }, processEnv: { HOME: '/users/someone' } }),
  );
  return a.findings.filter((f) => f.code === 'image-path-missing');
}
const run = (program: string, options = '') =>
  `exec singularity exec ${options}"$SING_IMAGE" ${program} "$@"`;
const bashC = (code: string, options = '') =>
  `exec singularity exec ${options}"$SING_IMAGE" bash -c '${code}' bash "$@"`;

describe('image-path-missing', () => {
  it('an absolute program the image lacks, and none on the image that has it', () => {
    const f = findings('conda.sif', run('/opt/conda/bin/python'));
    assert.deepEqual(
      f.map((x) => x.message),
      ['Wrapper python runs /opt/conda/bin/python, which the image lacks'],
    );
    assert.equal(f[0].severity, 'warning');
    assert.deepEqual(findings('csc.sif', run('/opt/conda/bin/python')), []);
    // Through the image's own links: python -> python3.10, an executable file.
    assert.deepEqual(findings('conda.sif', run('/opt/miniconda3/envs/pytorch/bin/python')), []);
  });

  it("sourced and run inside bash -c '...', /.singularity.d included", () => {
    const code = 'source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch; exec python "$@"';
    assert.deepEqual(
      findings('conda.sif', bashC(code)).map((x) => x.message),
      ['Wrapper python sources /opt/conda/etc/profile.d/conda.sh, which the image lacks'],
    );
    assert.deepEqual(findings('csc.sif', bashC(code)), []);
    const env = '. /.singularity.d/env/10-docker2singularity.sh; /.singularity.d/runscript "$@"';
    assert.deepEqual(findings('conda.sif', bashC(env)), []);
    assert.deepEqual(
      findings('conda.sif', bashC('source /.singularity.d/env/90-environment.sh; exec python "$@"')).map(
        (x) => x.message,
      ),
      ['Wrapper python sources /.singularity.d/env/90-environment.sh, which the image lacks'],
    );
  });

  it('a file that is no executable, and a directory, as the program', () => {
    assert.deepEqual(
      findings('conda.sif', run('/opt/notes.txt')).map((x) => x.message),
      ['Wrapper python runs /opt/notes.txt, not executable in the image'],
    );
    assert.deepEqual(
      findings('conda.sif', run('/opt/miniconda3')).map((x) => x.message),
      ['Wrapper python runs /opt/miniconda3, a dir in the image'],
    );
  });

  it('nothing under bind targets, host roots or links into them', () => {
    assert.deepEqual(
      findings('conda.sif', run('/opt/conda/bin/python', '-B /scratch/p/conda:/opt/conda ')),
      [],
    );
    assert.deepEqual(findings('conda.sif', run('/opt/conda/bin/python', '--bind=/a:/opt/conda:ro,/b ')), []);
    assert.deepEqual(
      findings('conda.sif', run('/opt/conda/bin/python'), [
        `prepend_path('SINGULARITY_BIND', '/project/p/conda:/opt/conda')`,
      ]),
      [],
    );
    assert.deepEqual(
      findings(
        'conda.sif',
        `export SINGULARITY_BIND=/project/p/env:/opt/conda\n${run('/opt/conda/bin/python')}`,
      ),
      [],
    );
    for (const program of [
      '/tmp/x/python',
      '/users/someone/bin/python',
      '/scratch/p/python',
      '/proc/self/exe',
    ])
      assert.deepEqual(findings('conda.sif', run(program)), [], program);
    assert.deepEqual(findings('conda.sif', run('/opt/site/bin/python')), []);
  });

  it('nothing where the wrapper or module is not followed, or the code may not run', () => {
    // Bind values or options not known here: the command is not judged.
    assert.deepEqual(findings('conda.sif', run('/opt/conda/bin/python', '-B "$VENV:/x" ')), []);
    assert.deepEqual(findings('conda.sif', run('/opt/conda/bin/python', '--overlay ov.img ')), []);
    assert.deepEqual(findings('conda.sif', run('/opt/conda/bin/python', '--something-new ')), []);
    assert.deepEqual(
      findings('conda.sif', run('/opt/conda/bin/python'), [`setenv('SINGULARITY_BIND', os.getenv('BINDS'))`]),
      [],
    );
    // Binds the walk does not see: a site function (create_container_vars binds /runscripts),
    // another module loaded, a sourced script. LUMI's bindings modules bind host paths only.
    const program = run('/opt/conda/bin/python');
    for (const line of [
      `create_container_vars('conda.sif', 'PyTorch', root, '/x:/opt/conda')`,
      `load('my-binds')`,
      `source_sh('bash', '/x/binds.sh')`,
    ])
      assert.deepEqual(findings('conda.sif', program, [line]), [], line);
    assert.equal(findings('conda.sif', program, [`depends_on('singularity-bindings')`]).length, 1);
    // Branches, `||`, functions.
    assert.deepEqual(findings('conda.sif', `if [ -d /x ]; then\n  ${run('/opt/conda/bin/python')}\nfi`), []);
    assert.deepEqual(
      findings(
        'conda.sif',
        bashC('[ -x /opt/conda/bin/python ] && exec /opt/conda/bin/python || exec python3'),
      ),
      [],
    );
    // A plain squashfs as the image: usually an overlay of another image, not judged.
    assert.deepEqual(findings('conda.sqsh', run('/opt/conda/bin/python')), []);
    // Another image than the module's.
    assert.deepEqual(findings('conda.sif', 'exec singularity exec "$OTHER" /opt/conda/bin/python "$@"'), []);
  });
});
