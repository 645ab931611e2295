// `inspect --host` over a real sshd: the facts and a listing read by SFTP range reads equal the
// local ones; a file that is no image exits 2 with one line; a closed connection settles reads.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { inspectCommand } from '../../cli/inspect';
import type { CliIO } from '../../cli/io';
import { SftpSource } from '../../core/image/byteSource';
import { ImageError } from '../../core/image/errors';
import { localImageFacts } from '../../core/image/facts';
import { connect } from '../../core/remote/connection';
import { resolveHost } from '../../core/remote/sshConfig';
import { startSshd, type SshdFixture } from '../helpers/sshd';
import { buildImage, type Built } from './images';

let sshd: SshdFixture;
let config: string;
let b: Built;
before(async () => {
  b = buildImage('laif', 'xz');
  sshd = await startSshd();
  config = sshd.writeSshConfig('lumi-test');
});
after(async () => {
  await sshd?.stop();
  b?.cleanup();
});

async function inspect(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: b.dir, isTTY: false };
  const code = await inspectCommand([...args, '--ssh-config', config], io);
  return { code, out, err };
}

describe('inspect over SSH', () => {
  it('reads the same facts and listing as the local reader', async () => {
    const remote = await inspect([b.sif, '--host', 'lumi-test', '--format', 'json']);
    assert.equal(remote.code, 0, remote.err);
    const facts = JSON.parse(remote.out) as Record<string, unknown>;
    const local = localImageFacts(b.sif);
    assert.ok(local.ok);
    for (const key of ['env', 'path', 'programs', 'venvs', 'sbom', 'pythonVersions', 'os'])
      assert.deepEqual(facts[key], (local.facts as unknown as Record<string, unknown>)[key], key);
    const list = await inspect([b.sif, '--host', 'lumi-test', '--list', '/opt/venv/bin']);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /symlink +\d+ +python -> \/usr\/bin\/python3\.12/);
  });

  it('exits 2 with one line on a remote file that is no image', async () => {
    const r = await inspect([`${b.root}/etc/os-release`, '--host', 'lumi-test']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^lumi-modules inspect: .*neither a SIF nor a squashfs image\n$/);
  });

  it('a read pending when the connection closes is rejected, not left waiting', async () => {
    const host = await resolveHost('lumi-test', config, {});
    const connection = await connect(host, {
      confirmUnknownHost: async () => false,
      passphrase: async () => undefined,
      keyboardInteractive: async () => undefined,
    });
    const source = await SftpSource.open(await connection.sftp(), b.sif);
    const pending = source.read(0, 4096);
    connection.close();
    const settled = await pending.then(
      () => 'read',
      (err: unknown) => err,
    );
    // It settles: the read won the race, or it failed with one line (ssh2's or ours).
    if (settled !== 'read')
      assert.ok(settled instanceof ImageError && !settled.message.includes('\n'), String(settled));
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(
      source.read(0, 16),
      (err: unknown) => err instanceof ImageError && err.kind === 'closed',
    );
  });
});
