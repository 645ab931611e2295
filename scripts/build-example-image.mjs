// Rebuilds examples/sif/lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif: a tiny stand-in
// for the LUMI PyTorch image the example module names, with the layout the checks read (the
// image's environment in /.singularity.d/env, conda in /opt/miniconda3 with its `pytorch` env,
// Python 3.10 reachable only after `source /opt/miniconda3/bin/activate pytorch`, as WITH_CONDA in
// the image says) and no real programs (the "python" inside is a text stand-in). Made by the
// reference tools, byte for byte the same on every run: mksquashfs (squashfs-tools >= 4.5) with
// fixed times and root ownership, then siftool new/add, then the SIF's UUID and times set to fixed
// values. `node scripts/build-example-image.mjs [OUT]`; test/image/example-image.test.ts checks
// that the committed file is what this script makes.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const IMAGE = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif';
const out = process.argv[2] ?? join(repo, 'examples', 'sif', IMAGE);
/** 2024-09-02T00:00:00Z: when such an image would have been built. */
const TIME = 1725235200;
const UUID = Buffer.from('lumi-modules-ex1', 'latin1'); // 16 bytes

const ENV_BASE = '#!/bin/sh\n# Singularity/Apptainer base environment\n';
const ENV_99 = `#!/bin/sh
if [ -z "$LD_LIBRARY_PATH" ]; then
    LD_LIBRARY_PATH="/.singularity.d/libs"
else
    LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/.singularity.d/libs"
fi
PS1="Singularity> "
export LD_LIBRARY_PATH PS1
`;
const x = (text) => ({ mode: 0o755, text });
const TREE = {
  '.singularity.d/env/01-base.sh': ENV_BASE,
  '.singularity.d/env/10-docker2singularity.sh':
    '#!/bin/sh\nexport PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n' +
    'export WITH_CONDA="source /opt/miniconda3/bin/activate pytorch"\n',
  '.singularity.d/env/99-base.sh': ENV_99,
  '.singularity.d/runscript': x('#!/bin/sh\nexec /bin/bash "$@"\n'),
  '.singularity.d/labels.json':
    JSON.stringify({
      'org.label-schema.build-date': '2024-09-02',
      'org.label-schema.schema-version': '1.0',
    }) + '\n',
  'etc/os-release':
    'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nID="sles"\n' +
    'PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\n',
  'bin/bash': x('#!stand-in: no real programs in this example image\n'),
  'opt/miniconda3/conda-meta/history': '==> 2024-09-02 00:00:00 <==\n',
  'opt/miniconda3/bin/activate': x('#!/bin/sh\n# conda activate stand-in\n'),
  'opt/miniconda3/bin/conda': x('#!/opt/miniconda3/bin/python\n# conda stand-in\n'),
  'opt/miniconda3/etc/profile.d/conda.sh': '# conda shell functions stand-in\n',
  'opt/miniconda3/lib/python3.12/os.py': '# stand-in\n',
  'opt/miniconda3/envs/pytorch/conda-meta/history': '==> 2024-09-02 00:00:00 <==\n',
  'opt/miniconda3/envs/pytorch/bin/python3.10': x('#!stand-in for CPython 3.10\n'),
  'opt/miniconda3/envs/pytorch/bin/python': { link: 'python3.10' },
  'opt/miniconda3/envs/pytorch/bin/python3': { link: 'python3.10' },
  'opt/miniconda3/envs/pytorch/bin/pip': x('#!/opt/miniconda3/envs/pytorch/bin/python\n'),
  'opt/miniconda3/envs/pytorch/lib/python3.10/site-packages/torch/__init__.py': "__version__ = '2.3.0'\n",
};

const work = mkdtempSync(join(tmpdir(), 'lumi-example-image-'));
try {
  const root = join(work, 'root');
  for (const [rel, entry] of Object.entries(TREE)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === 'string') writeFileSync(path, entry);
    else if ('link' in entry) symlinkSync(entry.link, path);
    else {
      writeFileSync(path, entry.text);
      chmodSync(path, entry.mode);
    }
  }
  const sqsh = join(work, 'root.sqsh');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  execFileSync(
    'mksquashfs',
    [
      root,
      sqsh,
      '-comp',
      'gzip',
      '-noappend',
      '-no-xattrs',
      '-all-root',
      '-quiet',
      '-no-progress',
      '-mkfs-time',
      String(TIME),
      '-all-time',
      String(TIME),
      '-processors',
      '1',
    ],
    quiet,
  );
  const sif = join(work, IMAGE);
  execFileSync('siftool', ['new', sif], quiet);
  execFileSync(
    'siftool',
    ['add', sif, sqsh, '--datatype', '4', '--parttype', '2', '--partfs', '1', '--partarch', '2'],
    quiet,
  );
  // siftool stamps a random UUID and the current time: fixed ones make the file reproducible.
  const bytes = readFileSync(sif);
  if (bytes.subarray(32, 41).toString('latin1') !== 'SIF_MAGIC') throw new Error('siftool wrote no SIF');
  UUID.copy(bytes, 48);
  bytes.writeBigInt64LE(BigInt(TIME), 64);
  bytes.writeBigInt64LE(BigInt(TIME), 72);
  const descriptors = Number(bytes.readBigInt64LE(96));
  const total = Number(bytes.readBigInt64LE(88));
  for (let i = 0; i < total; i++) {
    const at = descriptors + i * 585;
    if (bytes[at + 4] === 0) continue; // unused
    bytes.writeBigInt64LE(BigInt(TIME), at + 41);
    bytes.writeBigInt64LE(BigInt(TIME), at + 49);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(`${out}: ${bytes.length} bytes`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
