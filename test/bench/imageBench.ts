// Image facts of a 2 GiB image (a conda tree plus one big, mostly sparse file, packed by
// mksquashfs into a SIF): cold, cached, the bytes read, and over a real sshd (SFTP range reads).
// Alone: `node --import tsx test/bench/imageBench.ts`; in `npm run bench` unless --no-image.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SftpSource } from '../../core/image/byteSource';
import { clearImageFactsCache, localImageFacts, readImageFacts } from '../../core/image/facts';
import { connect } from '../../core/remote/connection';
import { resolveHost } from '../../core/remote/sshConfig';
import { startSshd } from '../helpers/sshd';
import { buildImage } from '../image/images';

const SIZE = 2 * 1024 ** 3;

export async function benchImage(lines: string[]): Promise<void> {
  // The big file: a non-zero pattern (no sparse blocks), stored uncompressed (-noD), so the image
  // is 2 GiB on disk while mksquashfs stays quick.
  const b = buildImage('conda', 'gzip');
  const big = join(b.root, 'opt', 'miniconda3', 'pkgs', 'big.bin');
  execFileSync('mkdir', ['-p', join(b.root, 'opt', 'miniconda3', 'pkgs')]);
  const fd = openSync(big, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 'lumi image bench ');
  for (let at = 0; at < SIZE; at += chunk.length) writeSync(fd, chunk, 0, chunk.length, at);
  closeSync(fd);
  const sqsh = join(b.dir, 'big.sqsh');
  const sif = join(b.dir, 'big.sif');
  try {
    execFileSync(
      'mksquashfs',
      [b.root, sqsh, '-comp', 'gzip', '-noD', '-noappend', '-quiet', '-no-progress'],
      { stdio: 'ignore' },
    );
    rmSync(big);
    execFileSync('siftool', ['new', sif], { stdio: 'ignore' });
    execFileSync(
      'siftool',
      ['add', sif, sqsh, '--datatype', '4', '--parttype', '2', '--partfs', '1', '--partarch', '2'],
      {
        stdio: 'ignore',
      },
    );
    rmSync(sqsh);
    const cold: number[] = [];
    let bytes = 0;
    let imageSize = 0;
    for (let i = 0; i < 5; i++) {
      clearImageFactsCache();
      const t = performance.now();
      const r = localImageFacts(sif);
      cold.push(performance.now() - t);
      if (!r.ok) throw r.error;
      bytes = r.facts.bytesRead;
      imageSize = r.facts.size;
    }
    const cached: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      localImageFacts(sif);
      cached.push(performance.now() - t);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    lines.push(
      `image facts of a ${(imageSize / 1024 ** 3).toFixed(2)} GiB SIF: cold median ${median(cold).toFixed(1)} ms ` +
        `(n=5, target < 100 ms), cached ${median(cached).toFixed(2)} ms (n=20, target < 5 ms), ` +
        `${bytes} bytes read (${((100 * bytes) / imageSize).toFixed(4)}% of the image, target < 1%)`,
    );
    const sshd = await startSshd();
    try {
      const config = sshd.writeSshConfig('bench');
      const host = await resolveHost('bench', config, {});
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const connection = await connect(host, {
          confirmUnknownHost: async () => false,
          passphrase: async () => undefined,
          keyboardInteractive: async () => undefined,
        });
        const tConnected = performance.now();
        const source = await SftpSource.open(await connection.sftp(), sif);
        const facts = await readImageFacts(source);
        times.push(performance.now() - tConnected);
        source.close();
        connection.close();
        if (i === 0)
          lines.push(`  over SFTP: connect ${(tConnected - t).toFixed(0)} ms, ${facts.bytesRead} bytes read`);
      }
      lines.push(
        `  over the kept SSH connection (SFTP open + facts): median ${median(times).toFixed(0)} ms (n=3, target < 1 s)`,
      );
    } finally {
      await sshd.stop();
    }
  } finally {
    b.cleanup();
  }
}

if (require.main === module) {
  const lines: string[] = [];
  benchImage(lines).then(
    () => console.log(lines.join('\n')),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
