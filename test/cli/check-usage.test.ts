// The `check` flags are a contract: the usage text, docs/cli.md's synopsis and the parser agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { checkCommand, checkUsage } from '../../cli/check';

const flagsOf = (text: string) => new Set([...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));

describe('check flags', () => {
  it('the usage synopsis, the docs/cli.md synopsis and the parser agree', async () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
    const synopsis = /^lumi-modules check [\s\S]*?(?=^lumi-modules scaffold)/m.exec(readme)![0];
    const usageSynopsis = checkUsage.split('\n\n')[0];
    assert.deepEqual([...flagsOf(synopsis)].sort(), [...flagsOf(usageSynopsis)].sort());
    for (const flag of [
      '--format',
      '--env',
      '--no-shellcheck',
      '--max-warnings',
      '--cache',
      '--cache-location',
    ])
      assert.ok(flagsOf(usageSynopsis).has(flag), flag);
    const io = {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      env: {},
      cwd: '/',
      isTTY: false,
    };
    for (const flag of flagsOf(usageSynopsis)) {
      const takesValue = [
        '--format',
        '--env',
        '--max-warnings',
        '--cache-location',
        '--site-package',
        '--lua-version',
        '--concurrency',
      ].includes(flag);
      assert.equal(
        await checkCommand([flag, ...(takesValue ? ['x=y'] : []), '--help'], io),
        0,
        `${flag} is accepted`,
      );
    }
    for (const bad of ['0', 'many', '-1', '2.5'])
      await assert.rejects(
        checkCommand(['--concurrency', bad, '.'], io),
        /--concurrency needs a number of threads \(1-999\), auto or off/,
      );
    // Every flag explained below the synopsis too.
    for (const flag of flagsOf(usageSynopsis))
      assert.ok(checkUsage.split('\n\n')[1].includes(flag), `${flag} explained`);
  });
});
