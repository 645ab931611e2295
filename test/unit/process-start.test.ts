// One way to start processes in product code (core/common/execa.ts), and ShellCheck through it:
// its text goes on stdin, a hung ShellCheck is killed at the timeout, a failure is no exception.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { makeEnv } from '../../core/analysis/env';
import { runShellcheck } from '../../core/analysis/wrapper/shellcheck';

const repo = join(__dirname, '..', '..');
const THE_MODULE = 'core/common/execa.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-process-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('starting processes', () => {
  it(`only ${THE_MODULE} loads execa, and nothing imports child_process`, () => {
    const offenders: string[] = [];
    const files = ['client', 'server', 'cli', 'core'].flatMap((d) => sources(join(repo, d)));
    for (const file of files) {
      const rel = relative(repo, file);
      // preProcessFile lists static imports, require() and dynamic import() alike; types are free.
      const code = readFileSync(file, 'utf8').replace(/^import type .*$/gm, '');
      for (const { fileName } of ts.preProcessFile(code, true, true).importedFiles) {
        if (/^(node:)?child_process$/.test(fileName)) offenders.push(`${rel} imports ${fileName}`);
        if (fileName === 'execa' && rel !== THE_MODULE) offenders.push(`${rel} imports execa`);
      }
    }
    assert.ok(
      files.some((f) => relative(repo, f) === THE_MODULE),
      `${THE_MODULE} exists`,
    );
    assert.deepEqual(offenders, []);
  });

  it('ShellCheck gets the text on stdin (a stand-in echoes it back as a finding)', async () => {
    const echo = join(dir, 'echo-shellcheck');
    // Reads stdin and reports its first line as the message of one json1 comment.
    writeFileSync(
      echo,
      `#!/usr/bin/env python3\nimport json, sys\nline = sys.stdin.read().split('\\n')[0]\nprint(json.dumps({"comments": [{"line": 1, "endLine": 1, "column": 1, "endColumn": 2, "level": "warning", "code": 1000, "message": line}]}))\nsys.exit(1)\n`,
    );
    chmodSync(echo, 0o755);
    const findings = await runShellcheck(
      '#!/bin/bash\necho hi\n',
      makeEnv({ shellcheck: { enabled: true, path: echo } }),
    );
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.code} ${f.message}`),
      ['warning SC1000 #!/bin/bash'],
    );
  });

  it('kills a ShellCheck that does not finish, and reports nothing', { timeout: 30_000 }, async () => {
    const hung = join(dir, 'hung-shellcheck');
    const pidFile = join(dir, 'hung.pid');
    writeFileSync(hung, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 600\n`);
    chmodSync(hung, 0o755);
    const findings = await runShellcheck(
      '#!/bin/bash\necho hi\n',
      makeEnv({ shellcheck: { enabled: true, path: hung } }),
      1000,
    );
    assert.deepEqual(findings, []);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `the hung process ${pid} was killed`);
  });

  it('never throws: a missing program, a directory, bad JSON', async () => {
    const garbage = join(dir, 'garbage-shellcheck');
    writeFileSync(garbage, '#!/bin/sh\necho not json\n');
    chmodSync(garbage, 0o755);
    for (const path of [join(dir, 'missing'), dir, garbage, '']) {
      assert.deepEqual(
        await runShellcheck('echo\n', makeEnv({ shellcheck: { enabled: true, path } })),
        [],
        path,
      );
    }
  });
});
