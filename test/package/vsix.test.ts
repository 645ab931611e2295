// `npm run package` makes a .vsix holding only what runs: bundles, wasm, grammar, templates,
// manifest, README. No sources, tests, maps or node_modules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(__dirname, '..', '..');

/** Entry names from a zip's central directory (the .vsix is a zip). */
function zipEntries(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'a zip end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('vsix package', () => {
  it('contains what runs and nothing else', () => {
    // On a terminal, as a developer runs it: vsce asks "Do you want to continue? [y/N]" for
    // anything it doubts (a missing repository: none is published, so none is named) and waits.
    // `script` gives it a terminal; the timeout only ends a run that waits for an answer.
    const r = spawnSync('script', ['-qec', 'npm run package', '/dev/null'], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 240_000,
    });
    assert.equal(
      r.status,
      0,
      `npm run package on a terminal did not finish by itself (a prompt?):\n${r.stdout}${r.stderr}`,
    );
    assert.doesNotMatch(r.stdout, /\[y\/N\]/, 'no question asked');
    const entries = zipEntries(readFileSync(join(repo, 'dist', 'lumi-container-modules.vsix')));
    const files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    assert.ok(
      files.some((f) => f.toLowerCase() === 'readme.md'),
      'README (vsce stores it as readme.md)',
    );
    // The packaged README is the Marketplace page: every relative link in it resolves inside the vsix.
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
    assert.ok(links.length > 5, 'the README links to its reference pages');
    for (const link of links.filter((l) => !/^[a-z]+:/.test(l)))
      assert.ok(
        files.some((f) => f.toLowerCase() === link.toLowerCase()),
        `the README's link ${link} is in the vsix`,
      );
    for (const needed of [
      'package.json',
      'dist/extension.js',
      'dist/server.js',
      'dist/cli.js',
      'dist/cli-check.js',
      'dist/cli-scaffold.js',
      'dist/cli-run.js',
      'dist/cli-submit.js',
      'dist/cli-analysers.js',
      'dist/cli-execa.js',
      'dist/checkWorker.js',
      'dist/tree-sitter.wasm',
      'dist/tree-sitter-bash.wasm',
      'syntaxes/lmod.injection.tmLanguage.json',
    ]) {
      assert.ok(files.includes(needed), `${needed} is in the vsix`);
    }
    assert.ok(
      files.includes('templates/modulefile.lua') && files.includes('templates/wrapper.sh'),
      'scaffold templates are in the vsix',
    );
    // What the Marketplace shows: the icon (a 128x128 PNG) and the change log.
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { icon?: string };
    assert.ok(
      manifest.icon && files.includes(manifest.icon),
      `the manifest's icon ${manifest.icon} is in the vsix`,
    );
    const png = readFileSync(join(repo, manifest.icon));
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'the icon is 128x128');
    assert.ok(
      files.some((f) => f.toLowerCase() === 'changelog.md'),
      'CHANGELOG.md is in the vsix',
    );
    const junk = files.filter(
      (f) =>
        /(^|\/)(src|test|node_modules|\.ci|examples|\.cache)\//.test(f) ||
        /\.(ts|map|vsix)$/.test(f) ||
        f.startsWith('tsconfig'),
    );
    assert.deepEqual(junk, [], 'no sources, tests, source maps or node_modules');
  });
});
