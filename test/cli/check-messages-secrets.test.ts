// Issue 11, item 4: `check` messages name paths and expressions, never what they read. A value
// from the process environment is shown as $NAME; `--env NAME=VALUE` (the user asked) is shown;
// the text of a capture('cat F') file is never read, so it can never appear.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';

const SECRET = 'hunter2-s3cr3t-token';
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-secrets-'));
  mkdirSync(join(dir, 'modules', 'tool'), { recursive: true });
  writeFileSync(join(dir, 'token.txt'), `${SECRET}\n`);
  writeFileSync(
    join(dir, 'modules', 'tool', '1.0.lua'),
    [
      `local root = os.getenv('LUMI_TEST_TOKEN') or '/nonexistent'`,
      `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))`,
      `prepend_path('PATH', pathJoin(root, 'bin'))`,
      `local msg = capture('cat ${join(dir, 'token.txt')}')`,
      `prepend_path('PATH', pathJoin('/nonexistent', msg))`,
      `setenv('OTHER', 'x')`,
      '',
    ].join('\n'),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('check messages never show what was read', () => {
  it('shows a process-environment value as $NAME and never reads a captured file', () => {
    const r = runCli(['check', '--format', 'json', dir], {
      env: { LUMI_TEST_TOKEN: `${dir}/secret/${SECRET}` },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stdout.includes(SECRET), `a secret in the output:\n${r.stdout}`);
    const messages = (JSON.parse(r.stdout) as { code: string; message: string }[])
      .filter((f) => f.code === 'path-not-found')
      .map((f) => f.message);
    assert.ok(
      messages.includes('SING_IMAGE image does not exist on this machine: $LUMI_TEST_TOKEN/sif/tool.sif'),
      messages.join('\n'),
    );
    assert.ok(
      messages.includes('directory put on PATH does not exist on this machine: $LUMI_TEST_TOKEN/bin'),
      messages.join('\n'),
    );
    // The path built from the captured text is unknown (capture runs only at load time): not reported.
    assert.equal(messages.length, 2, messages.join('\n'));
  });

  it('shows a value given with --env (the user asked for it)', () => {
    const r = runCli(['check', '--format', 'json', '--env', `LUMI_TEST_TOKEN=${dir}/given/${SECRET}`, dir]);
    const messages = (JSON.parse(r.stdout) as { code: string; message: string }[]).map((f) => f.message);
    assert.ok(
      // Shortened in the middle to fit 100 characters: its start and its file name stay.
      messages.some(
        (m) =>
          m.startsWith(`SING_IMAGE image does not exist on this machine: ${dir.slice(0, 12)}`) &&
          m.endsWith('/sif/tool.sif'),
      ),
      messages.join('\n'),
    );
  });
});
