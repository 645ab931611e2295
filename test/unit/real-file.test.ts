// Findings on the real file (issue 26): a wrapper reached through links (`pip -> python`, an `aaa`
// link sorting first) is reported on the wrapper itself, once; the modules that put a link's
// directory on PATH still count as the wrapper's (their WITH_CONDA included).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { checkProject } from '../../core/analysis/project/checkProject';
import { initBashParser } from '../../core/analysis/wrapper/parser';

let home: string;
before(async () => {
  await initBashParser();
  home = mkdtempSync(join(tmpdir(), 'lumi-realfile-'));
  mkdirSync(join(home, 'bin', 'wrappers'), { recursive: true });
  mkdirSync(join(home, 'libexec'));
  mkdirSync(join(home, 'modules', 'pt'), { recursive: true });
  // No in-container guard, no venv, WITH_CONDA never applied: findings a wrapper of this module earns.
  const wrapper = join(home, 'libexec', 'python');
  writeFileSync(
    wrapper,
    '#!/bin/bash\n[ -n "$SING_IMAGE" ] || exit 1\nexec singularity exec "$SING_IMAGE" python "$@"\n',
  );
  chmodSync(wrapper, 0o755);
  for (const name of ['aaa', 'pip', 'python'])
    symlinkSync('../../libexec/python', join(home, 'bin', 'wrappers', name));
  writeFileSync(
    join(home, 'modules', 'pt', '1.lua'),
    `setenv("SING_IMAGE", "${home}/a.sif")\nsetenv("WITH_CONDA", "true")\n` +
      `prepend_path("PATH", "${home}/bin/wrappers")\n`,
  );
  writeFileSync(join(home, 'a.sif'), '');
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('findings on the real file', () => {
  it('land on the wrapper, not on the first link to it, and once', async () => {
    const findings = await checkProject([home], '/', makeEnv({ processEnv: {} }));
    const wrapperFindings = findings
      .filter((f) => f.code.startsWith('wrapper-'))
      .map((f) => `${f.file.slice(home.length)} ${f.code}`);
    assert.deepEqual(wrapperFindings, [
      '/libexec/python wrapper-no-container-check',
      '/libexec/python wrapper-no-with-conda',
      '/libexec/python wrapper-no-venv',
    ]);
  });

  it('a wrapper given through its link alone is still reported on its own path', async () => {
    const findings = await checkProject(
      [join(home, 'bin', 'wrappers', 'pip')],
      '/',
      makeEnv({ processEnv: {} }),
    );
    assert.ok(findings.length > 0);
    assert.deepEqual([...new Set(findings.map((f) => f.file))], [join(home, 'libexec', 'python')]);
  });
});
