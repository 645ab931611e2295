// readBoundedTail: the end of a growing file (a job's output), with readBounded's refusals.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readBoundedTail } from '../../core/common/boundedRead';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'lumi-tail-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readBoundedTail', () => {
  it('returns the last LIMIT bytes and how many came before them; a small file whole', () => {
    const file = join(dir, 'out');
    writeFileSync(file, 'first line\nlast line\n');
    assert.deepEqual(readBoundedTail(file, 10), { ok: true, bytes: Buffer.from('last line\n'), skipped: 11 });
    assert.deepEqual(readBoundedTail(file, 100), {
      ok: true,
      bytes: Buffer.from('first line\nlast line\n'),
      skipped: 0,
    });
  });

  it('names a FIFO and a missing file without opening or blocking', () => {
    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const r = readBoundedTail(fifo, 10);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'not-regular');
    assert.match(!r.ok ? r.message : '', /FIFO/);
    const missing = readBoundedTail(join(dir, 'nope'), 10);
    assert.equal(!missing.ok && missing.reason, 'missing');
  });
});
