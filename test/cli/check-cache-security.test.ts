// check --cache's file is safe to keep in a shared project directory and to upload from CI: no
// environment value in it (keyed hashes), mode 0600, written through a random exclusively created
// temporary name (no planted link followed).
import assert from 'node:assert/strict';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv } from '../../core/analysis/env';
import { CheckCache } from '../../core/analysis/project/checkCache';
import { checkProject } from '../../core/analysis/project/checkProject';
import { runCli } from '../helpers/cli';

const SECRET = 'ghp_notARealTokenButUnique4711';
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-cache-security-'));
  mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
  writeFileSync(
    join(root, 'modules', 'tool', '1.0.lua'),
    `local token = os.getenv("GITHUB_TOKEN") or "none"\nprepend_path("PATH", pathJoin("${root}", token, "bin"))\n`,
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('check --cache file safety', () => {
  it('stores no environment value, only a keyed hash; a changed value is still noticed; mode 0600', () => {
    const run = (token: string) =>
      runCli(['check', '--format', 'json', '--no-shellcheck', '--cache', 'modules'], {
        cwd: root,
        env: { GITHUB_TOKEN: token },
      });
    const first = run(SECRET);
    assert.equal(first.stderr, '');
    const cacheFile = join(root, '.lumi-modules-cache');
    const text = readFileSync(cacheFile, 'utf8');
    assert.ok(!text.includes(SECRET), 'the token is not in the cache file');
    assert.ok(!text.includes(SECRET.slice(4, 20)), 'nor a part of it');
    assert.equal(statSync(cacheFile).mode & 0o777, 0o600);
    assert.equal(run(SECRET).stdout, first.stdout, 'reused');
    // Another value names a directory that exists: the stored hash no longer matches, the module
    // is checked again and its finding goes.
    mkdirSync(join(root, 'other', 'bin'), { recursive: true });
    assert.equal(run('other').stdout, '[]\n');
    assert.deepEqual(
      readdirSync(root).filter((n) => n.includes('tmp')),
      [],
      'no temporary file left',
    );
  });

  it('a link planted at the old predictable temporary name or at the location is never written through', async () => {
    const dir = mkdtempSync(join(root, 'links-'));
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const location = join(dir, 'cache');
    // The name this process would have used before, and the location itself.
    symlinkSync(victim, `${location}.${process.pid}.tmp`);
    const env = makeEnv({ processEnv: {} });
    const cache = CheckCache.load(location, 'key', env);
    await checkProject([join(root, 'modules')], root, env, { layer: cache });
    cache.save();
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.ok(lstatSync(location).isFile());
    symlinkSync(victim, join(dir, 'cache2'));
    const again = CheckCache.load(join(dir, 'cache2'), 'key', env);
    await checkProject([join(root, 'modules')], root, env, { layer: again });
    again.save();
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the link at the location is replaced');
    assert.ok(lstatSync(join(dir, 'cache2')).isFile());
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp') && !n.startsWith('cache.')),
      [],
      'no temporary file of ours left',
    );
  });
});
