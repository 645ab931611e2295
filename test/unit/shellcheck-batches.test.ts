// ShellCheck in batches (issue 13): many wrappers per ShellCheck process, each file's findings the
// same as when it is checked alone (json1 names the file of each comment).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { runShellcheck, runShellcheckFiles } from '../../core/analysis/wrapper/shellcheck';
import { findExecutable } from '../../core/common/which';

let dir: string;
let log: string;
let counting: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-sc-batches-'));
  log = join(dir, 'runs.log');
  counting = join(dir, 'counting-shellcheck');
  // Logs the number of files of each run, then runs the real ShellCheck.
  writeFileSync(
    counting,
    `#!/bin/bash\nn=0; for a in "$@"; do [ "\${a#/}" != "$a" ] && n=$((n+1)); done\necho "$n" >> '${log}'\nexec '${findExecutable('shellcheck', process.env.PATH)}' "$@"\n`,
  );
  chmodSync(counting, 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ShellCheck batches', () => {
  it('checks 40 wrappers (bash and sh) in 3 processes of even size per shell, each with its own findings as in a single run', async () => {
    const files = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const shell = i < 35 ? 'bash' : 'sh';
      // Different findings per file: unquoted $1 on line 2 or 3, and a tab before it in some.
      const text = `#!/bin/${shell}\n# wrapper ${i}\n${'echo ok\n'.repeat(i % 2)}${i % 3 === 0 ? '\t' : ''}echo $1 "é" $${i % 2 ? '@' : '*'}\n`;
      const path = join(dir, `w${i}`);
      writeFileSync(path, text);
      files.set(path, text);
    }
    const env = makeEnv({ processEnv: {}, shellcheck: { enabled: true, path: counting } });
    const batched = await runShellcheckFiles(files, env);
    const runs = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(Number)
      .sort((a, b) => a - b);
    assert.deepEqual(
      runs,
      [5, 17, 18],
      'the 35 bash files in two even batches (two processes run at once), the 5 sh files apart',
    );
    for (const [path, text] of files) {
      const alone = await runShellcheck(
        text,
        makeEnv({
          processEnv: {},
          shellcheck: { enabled: true, path: findExecutable('shellcheck', process.env.PATH)! },
        }),
      );
      assert.ok(alone.length >= 2, `${path}: ${JSON.stringify(alone)}`);
      assert.deepEqual(batched.get(path), alone, path);
    }
  });

  it('runs ShellCheck once per distinct wrapper text and gives every file with that text its findings', async () => {
    writeFileSync(log, '');
    const files = new Map<string, string>();
    const texts = [0, 1, 2].map((k) => `#!/bin/bash\n${'echo ok\n'.repeat(k)}echo $1 $*\n`);
    for (let i = 0; i < 30; i++) {
      const path = join(dir, `same${i}`);
      writeFileSync(path, texts[i % 3]);
      files.set(path, texts[i % 3]);
    }
    const env = makeEnv({ processEnv: {}, shellcheck: { enabled: true, path: counting } });
    const batched = await runShellcheckFiles(files, env);
    assert.deepEqual(
      readFileSync(log, 'utf8').trim().split('\n').map(Number),
      [3],
      'one process, one file per distinct text',
    );
    const scPath = findExecutable('shellcheck', process.env.PATH)!;
    for (const [k, text] of texts.entries()) {
      const alone = await runShellcheck(
        text,
        makeEnv({ processEnv: {}, shellcheck: { enabled: true, path: scPath } }),
      );
      assert.ok(alone.length >= 2 && alone.every((f) => f.range.start.line === k + 1), JSON.stringify(alone));
      for (const [path, t] of files) if (t === text) assert.deepEqual(batched.get(path), alone, path);
    }
  });
});
