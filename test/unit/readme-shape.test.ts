// The README is the Marketplace page and a newcomer's first screen: small, the two set-up commands
// first, and the demo output it shows is what `npm run demo` prints today (the demo itself runs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(__dirname, '..', '..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

describe('README', () => {
  it('is under 12 KB', () => {
    assert.ok(Buffer.byteLength(readme) < 12 * 1024, `${Buffer.byteLength(readme)} bytes`);
  });

  it('has exactly two set-up commands in its first screen: the demo and the tests', () => {
    const firstScreen = readme.split('\n').slice(0, 25).join('\n');
    const block = /```sh\n([\s\S]*?)```/.exec(firstScreen);
    assert.ok(block, 'a sh block in the first 25 lines');
    const commands = block[1].split('\n').filter((l) => l.trim() !== '');
    assert.equal(commands.length, 2, block[1]);
    assert.match(commands[0], /^npm ci && npm run demo\b/);
    assert.match(commands[1], /^npm test\b/);
  });

  it('links only images that exist', () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length > 0);
    for (const image of images) assert.ok(existsSync(join(repo, image)), image);
  });

  it("shows the demo's real summary and verdict", () => {
    const demo = spawnSync(process.execPath, ['scripts/demo.mjs'], { cwd: repo, encoding: 'utf8' });
    assert.equal(demo.status, 0, demo.stderr);
    const summary = /^\d+ problems? \(.*\) in \d+ files?$/m.exec(demo.stdout);
    assert.ok(summary, demo.stdout);
    assert.ok(readme.includes(summary[0]), `the README shows "${summary[0]}"`);
    const verdict = /^demo: as expected\. [\s\S]*?the other modules are clean\./m.exec(demo.stdout);
    assert.ok(verdict, demo.stdout);
    const words = (t: string) => t.split(/\s+/).join(' ');
    assert.ok(words(readme).includes(words(verdict[0])), `the README shows "${verdict[0]}"`);
  });
});
