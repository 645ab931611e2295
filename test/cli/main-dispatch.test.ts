// cli/main.ts dispatch: a command name is looked up among the commands only, never among an
// object's inherited properties, so `constructor`, `__proto__` or `toString` are unknown commands
// like any other (message, usage, exit 2), through the real bin.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-cli-dispatch-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lumi-modules dispatch', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'frobnicate']) {
    it(`'${name}' is an unknown command: message and usage, exit 2`, () => {
      const r = runCli([name], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(
        r.stderr.startsWith(`lumi-modules: unknown command '${name}'\nusage: lumi-modules `),
        r.stderr,
      );
      assert.match(r.stderr, /Run 'lumi-modules <command> --help'/);
      assert.doesNotMatch(r.stderr, /is not a function|\n\s+at /);
    });
  }
});
