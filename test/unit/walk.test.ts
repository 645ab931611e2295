// walkPaths (core/analysis/project/walk.ts): the files under the PATH arguments, each with the size
// and mtime the walk stat'ed (what `check --cache` compares), of the target behind a link.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { walkPaths, withWalkListings } from '../../core/analysis/project/walk';
import { realFileSystem } from '../../core/analysis/env';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('walkPaths', () => {
  it('gives every file found its size and mtime; a linked file those of its target', () => {
    const root = mkdtempSync(join(tmpdir(), 'lumi-walk-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'lumi-walk-target-'));
    dirs.push(root, elsewhere);
    mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
    writeFileSync(join(root, 'modules', 'tool', '1.0.lua'), 'abc');
    writeFileSync(join(elsewhere, 'target.lua'), 'a longer text');
    symlinkSync(join(elsewhere, 'target.lua'), join(root, 'modules', 'tool', '2.0.lua'));

    const { files, states, notes } = walkPaths(['modules'], root);
    const plain = join(root, 'modules', 'tool', '1.0.lua');
    const linked = join(root, 'modules', 'tool', '2.0.lua');
    assert.deepEqual(files, [plain, linked]);
    assert.deepEqual(notes, []);
    assert.deepEqual([...states.keys()], files);
    assert.deepEqual(states.get(plain), { size: 3, mtimeMs: statSync(plain).mtimeMs });
    assert.deepEqual(states.get(linked), {
      size: 'a longer text'.length,
      mtimeMs: statSync(join(elsewhere, 'target.lua')).mtimeMs,
    });
    // A file given as the PATH argument itself has its state too.
    assert.deepEqual(walkPaths([plain], '/').states.get(plain), {
      size: 3,
      mtimeMs: statSync(plain).mtimeMs,
    });
  });

  it('without fileStates: the same files and notes, and a plain file known from its listing (no stat)', () => {
    const root = mkdtempSync(join(tmpdir(), 'lumi-walk-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'lumi-walk-target-'));
    dirs.push(root, elsewhere);
    mkdirSync(join(root, 'modules', 'tool', 'deeper'), { recursive: true });
    const plain = join(root, 'modules', 'tool', '1.0.lua');
    const linked = join(root, 'modules', 'tool', '2.0.lua');
    writeFileSync(plain, 'abc');
    writeFileSync(join(root, 'modules', 'tool', 'deeper', '3.0.lua'), 'x');
    writeFileSync(join(elsewhere, 'target.lua'), 'a longer text');
    symlinkSync(join(elsewhere, 'target.lua'), linked);
    execFileSync('mkfifo', [join(root, 'modules', 'tool', 'pipe.lua')]);
    const withStates = walkPaths(['modules'], root);
    // walk.ts calls fs.lstatSync through the module object (CommonJS), so this sees its calls.
    const nodeFs = require('node:fs') as { lstatSync: unknown };
    const lstated: string[] = [];
    const lstat = nodeFs.lstatSync;
    nodeFs.lstatSync = (path: string, ...rest: unknown[]) => (
      lstated.push(path),
      (lstat as (...a: unknown[]) => unknown)(path, ...rest)
    );
    let without;
    try {
      without = walkPaths(['modules'], root, { fileStates: false });
    } finally {
      nodeFs.lstatSync = lstat;
    }
    assert.deepEqual(without.files, withStates.files);
    assert.equal(without.files.length, 3);
    assert.deepEqual(without.notes, withStates.notes);
    assert.match(without.notes.map((n) => n.message).join('\n'), /FIFO/);
    assert.equal(without.states.size, 0);
    assert.ok(
      lstated.includes(linked) && lstated.includes(join(root, 'modules', 'tool', 'pipe.lua')),
      'a link and a FIFO are looked at',
    );
    assert.ok(
      !lstated.includes(plain) && !lstated.some((p) => p.endsWith('3.0.lua')),
      `plain files stat'ed: ${lstated.join(', ')}`,
    );
  });

  it('a listing that fails over a vanished entry of unknown type is taken again by name, not reported as an unreadable directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'lumi-walk-'));
    dirs.push(root);
    mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
    writeFileSync(join(root, 'modules', 'tool', '1.0.lua'), 'abc');
    // What Node's readdir(withFileTypes) throws when it lstats an entry of unknown type that was
    // deleted meanwhile (d_type unknown: some NFS mounts, XFS without ftype).
    const nodeFs = require('node:fs') as { readdirSync: unknown };
    const readdir = nodeFs.readdirSync as (...a: unknown[]) => unknown;
    nodeFs.readdirSync = (path: string, options?: { withFileTypes?: boolean }) => {
      if (options?.withFileTypes && path.endsWith('tool'))
        throw Object.assign(new Error('ENOENT: no such file or directory, lstat'), { code: 'ENOENT' });
      return readdir(path, options);
    };
    let result;
    try {
      result = walkPaths(['modules'], root, { fileStates: false });
    } finally {
      nodeFs.readdirSync = readdir;
    }
    assert.deepEqual(result.files, [join(root, 'modules', 'tool', '1.0.lua')]);
    assert.deepEqual(result.notes, []);
  });

  it('withWalkListings: a name missing from a directory the walk listed is missing without asking the file system', () => {
    const root = mkdtempSync(join(tmpdir(), 'lumi-walk-'));
    dirs.push(root);
    mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
    writeFileSync(join(root, 'modules', 'tool', '1.0.lua'), '');
    writeFileSync(join(root, 'modules', '.lumi-modules.json'), '{}');
    const asked: string[] = [];
    const fs = withWalkListings(
      { ...realFileSystem, kind: (p) => (asked.push(p), realFileSystem.kind(p)) },
      walkPaths(['modules'], root).listings,
    );
    assert.equal(fs.kind(join(root, 'modules', 'tool', '.lumi-modules.json')), 'missing');
    assert.deepEqual(asked, [], 'answered from the listing');
    assert.equal(fs.kind(join(root, 'modules', '.lumi-modules.json')), 'file', 'a listed name is asked');
    assert.equal(
      fs.kind(join(root, '.lumi-modules.json')),
      'missing',
      'a directory the walk did not list is asked',
    );
    assert.deepEqual(asked, [join(root, 'modules', '.lumi-modules.json'), join(root, '.lumi-modules.json')]);
  });
});
