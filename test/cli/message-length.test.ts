// Every finding message fits the Problems panel: the point first, at most 100 characters (issue 26).
// A tree made to trigger every code the rule files, analyze.ts, policy.ts and the walk decide, with
// long names and values where a message names one, checked through the bundled CLI; the test fails
// when a code is not triggered (the tree must keep up with new codes) or a message is longer.
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';

const repo = join(__dirname, '..', '..');
const LONG = 'a-rather-long-directory-name-that-goes-on'.repeat(3);

/** The codes rule files decide (one per file), plus those of analyze.ts, policy.ts and the walk. */
function allCodes(): string[] {
  const codes = new Set(['lua-syntax', 'unused-suppression', 'symlink-loop', 'unreadable', 'binary-file']);
  for (const kind of ['modulefile', 'wrapper']) {
    const d = join(repo, 'core/analysis/rules', kind);
    for (const name of readdirSync(d)) {
      for (const m of readFileSync(join(d, name), 'utf8').matchAll(/\bcode: '([a-z0-9-]+)'/g))
        codes.add(m[1]);
    }
  }
  return [...codes].sort();
}

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-message-length-'));
  const files: Record<string, string> = {
    // getenv-no-fallback, undefined-variable, unknown-function, wrong-arguments, unused-local,
    // sing-image-not-sif, path-not-found, paths-not-checked, capture-file-unreadable, unused-suppression
    'modules/many/1.0.lua': [
      `local ${LONG.replace(/-/g, '_')} = 1`,
      `local signRoot = '${root}/${LONG}'`,
      `setenv('SING_IMAGE', pathJoin(signRoot, '${LONG}', 'image.img'))`,
      `prepend_path('PATH', pathJoin(os.getenv('PROJHOME_${LONG.replace(/-/g, '_').toUpperCase()}'), 'bin'))`,
      `setenv('X', singRoot)`,
      `setenv('Z', ${LONG.replace(/-/g, '_')}x)`,
      `prepen_path('PATH', '/x')`,
      `${LONG.replace(/-/g, '_')}()`,
      `setenv('Y')`,
      `prepend_path('MODULEPATH', '/project/${LONG}')`,
      `local t = capture('cat /dev/null')`,
      `setenv('CC', 'gcc') -- lumi-modules: ignore path-not-found`,
      '',
    ].join('\n'),
    // missing-sing-image, and wrapper rules on the wrappers in bin/
    'modules/csc/1.0.lua': `prepend_path('PATH', '${root}/bin')\nsetenv('WITH_CONDA', 'source x && conda activate y')\n`,
    // missing-wrapper-path, missing-with-conda
    'modules/nopath/1.0.lua': `setenv('SING_IMAGE', '${root}/sif/lumi-pytorch-rocm-${LONG}.sif')\nsetenv('WITH_CONDA', 'x')\n`,
    'modules/noconda/1.0.lua': `setenv('SING_IMAGE', '${root}/sif/lumi-pytorch-rocm-${LONG}.sif')\nprepend_path('PATH', '${root}/bin2')\n`,
    'modules/eb/1.0.lua': `create_container_vars('PyTorch', '2.0', '/x')\nload('singularity-AI-bindings')\n`,
    'modules/laif/1.0.lua': `setenv('SIF', '${root}/sif/x.sif')\nsetenv('VENV', '/opt/venv')\n`,
    'modules/syntax/1.0.lua': `prepend_path('PATH', pathJoin(root, 'bin')\nsetenv('A', 'b')\n`,
    'modules/binary.lua': 'x\0y',
    // shell-function-csh-args
    'modules/cshargs/1.0.lua': `set_shell_function('${LONG.replace(/-/g, '_')}', 'x "$@"', 'x "$@"')\n`,
    // shell-function-unquoted-args (an shpc-style module)
    'modules/shpc/1.0.lua': `set_shell_function('${LONG.replace(/-/g, '_')}', 'singularity run /x.sif $@', 'singularity run /x.sif $*')\n`,
    // wrapper-no-sing-image-check, -no-container-check, -no-with-conda (host), -unquoted-args,
    // -with-conda-not-evaluated, -error-exits-zero, -no-venv
    [`bin/python`]:
      '#!/bin/bash\n$WITH_CONDA\nsingularity exec $SING_IMAGE bash -c "$WITH_CONDA; python $@"\n>&2 echo "load it"; exit\n',
    // wrapper-no-with-conda (never applied), and "$*"
    [`bin/pip`]:
      '#!/bin/bash\nif [ -z "$SING_IMAGE" ]; then exit 1; fi\nif [ -d /.singularity.d ]; then exec pip "$*"; fi\nexec singularity exec "$SING_IMAGE" pip "$*"\n',
    'sif/.keep': '',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  writeFileSync(join(root, 'sif', `lumi-pytorch-rocm-${LONG}.sif`), '');
  mkdirSync(join(root, 'bin2'));
  for (const w of ['bin/python', 'bin/pip']) chmodSync(join(root, w), 0o755);
  mkdirSync(join(root, 'modules', 'loop'));
  symlinkSync('..', join(root, 'modules', 'loop', 'up'));
  symlinkSync(join(root, 'nowhere', LONG), join(root, 'modules', 'dangling.lua'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('finding messages', () => {
  it('every code is triggered and every message is at most 100 characters', () => {
    const r = runCli(['check', '--format', 'json', '--no-shellcheck', 'modules', 'bin'], { cwd: root });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const findings = JSON.parse(r.stdout) as { code: string; message: string }[];
    const seen = new Set(findings.map((f) => f.code));
    // image-* codes need real images (test/image holds them; the image helper's tests drive them).
    const missing = allCodes().filter(
      (c) => !seen.has(c) && c !== 'internal-error' && !c.startsWith('image-'),
    );
    assert.deepEqual(missing, [], `codes not triggered by the tree: ${missing.join(', ')}`);
    const long = findings
      .filter((f) => f.message.length > 100)
      .map((f) => `${f.code} (${f.message.length}): ${f.message}`);
    assert.deepEqual(long, []);
  });
});
