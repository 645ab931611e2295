// check --cache under faults: a cache file that is valid JSON but holds values its schema does not
// allow (damaged, or planted) is dropped whole with one line on stderr, and the findings are those
// of a fresh check; a cache location on a full file system is one line on stderr, the result
// stands, and no temporary file is left (a real tmpfs, mounted in a mount namespace of its own).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cli';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-cache-faults-'));
  mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
  // Two findings of different codes, and a module summary (SING_IMAGE, a wrapper directory).
  writeFileSync(
    join(root, 'modules', 'tool', '1.0.lua'),
    `setenv("SING_IMAGE", "${root}/sif/tool.sif")\nprepend_path("PATH", "${root}/bin")\nprepend_pth("X", "y")\n`,
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

const CACHE = () => join(root, '.lumi-modules-cache');
const check = () =>
  runCli(['check', '--format', 'json', '--no-shellcheck', '--cache', 'modules'], { cwd: root });

type CacheData = Record<string, unknown> & { files: Record<string, unknown[]> };
const entryOf = (data: CacheData) => Object.values(data.files)[0];

/** Each a value of valid JSON that the cache's schema does not allow, as a damage or a plant. */
const HOSTILE: [string, (data: CacheData) => void][] = [
  ['a string that is an object', (d) => ((d.strings as unknown[])[0] = { toString: 'x' })],
  ['a dependency of an unknown kind', (d) => ((d.deps as unknown[])[0] = 'z')],
  ['a dependency argument out of range', (d) => ((d.deps as unknown[])[1] = 1e9)],
  ['a dependency set naming no dependency', (d) => ((d.depSets as unknown[][])[0] = [-1])],
  ['a finding list of objects', (d) => ((d.findingLists as unknown[])[0] = [{}, {}, {}, {}, {}, {}, {}])],
  ['a severity that does not exist', (d) => ((d.findingLists as number[][])[0][4] = 9)],
  ['a message index out of range', (d) => ((d.findingLists as number[][])[0][6] = 99999)],
  ['a summary of strings', (d) => ((d.summaries as unknown[])[0] = ['x'])],
  ['an empty summary', (d) => ((d.summaries as unknown[])[0] = [])],
  ['a WITH_CONDA value index out of range', (d) => ((d.summaries as number[][])[0][0] = 99999)],
  ['a WITH_CONDA slot no role allows', (d) => ((d.summaries as number[][])[0][0] = -3)],
  ['a WITH_CONDA value that is a text', (d) => ((d.summaries as unknown[][])[0][0] = 'source x')],
  ['files as a list', (d) => (d.files = [] as unknown as CacheData['files'])],
  ['an entry of the wrong length', (d) => entryOf(d).pop()],
  ['an entry naming no finding list', (d) => (entryOf(d)[4] = 4242)],
  ['an entry whose role is no summary', (d) => (entryOf(d)[6] = -7)],
  ['an entry whose mtime is a string', (d) => (entryOf(d)[1] = 'now')],
  ['a table that is an object', (d) => (d.strings = {})],
];

describe('check --cache faults', () => {
  it('a valid-JSON cache with a value its schema does not allow is dropped whole, with one line', () => {
    rmSync(CACHE(), { force: true });
    const fresh = check();
    assert.equal(fresh.stderr, '');
    const findings = JSON.parse(fresh.stdout) as { code: string }[];
    assert.deepEqual(findings.map((f) => f.code).sort(), [
      'path-not-found',
      'path-not-found',
      'unknown-function',
    ]);
    const good = readFileSync(CACHE(), 'utf8');
    for (const [what, damage] of HOSTILE) {
      const data = JSON.parse(good) as CacheData;
      damage(data);
      writeFileSync(CACHE(), JSON.stringify(data));
      const r = check();
      assert.equal(r.code, fresh.code, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, fresh.stdout, `${what}: the findings of a fresh check`);
      assert.match(
        r.stderr,
        /^lumi-modules check: the cache \S+\.lumi-modules-cache is not valid \([^\n]+\): it is rebuilt\n$/,
        what,
      );
      // Rebuilt: the next run uses it silently.
      const again = check();
      assert.equal(again.stderr, '', `${what}: the rebuilt cache is used`);
      assert.equal(again.stdout, fresh.stdout, what);
    }
  });

  it('a cache location on a full file system: one line, the result stands, no temporary file left', (t) => {
    if (process.getuid?.() !== 0) return t.skip('mounting a tmpfs in a mount namespace needs root');
    const full = join(root, 'full');
    mkdirSync(full, { recursive: true });
    // Inside its own mount namespace: a 16 KiB tmpfs at FULL, filled, then the check writes its
    // cache there; the listing is taken in the namespace (the mount is gone outside it).
    const script =
      'mount -t tmpfs -o size=16k tmpfs "$1" || exit 90; head -c 16384 /dev/zero > "$1/fill" 2>/dev/null; ' +
      'shift; "$@"; code=$?; echo "LISTING $(ls -A "$FULL" | tr "\\n" " ")" >&2; exit $code';
    const r = spawnSync(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        script,
        'sh',
        full,
        process.execPath,
        CLI,
        'check',
        '--format',
        'json',
        '--no-shellcheck',
        '--cache',
        '--cache-location',
        join(full, 'cache'),
        'modules',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, PROJHOME: '', FULL: full } },
    );
    assert.notEqual(r.status, 90, `the tmpfs was mounted: ${r.stderr}`);
    assert.equal(r.status, 1, r.stderr);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 3, 'the findings stand');
    const lines = r.stderr.trimEnd().split('\n');
    assert.deepEqual(lines, [
      `lumi-modules check: cannot write the cache ${join(full, 'cache')}: no space left on the device`,
      'LISTING fill',
    ]);
  });
});
