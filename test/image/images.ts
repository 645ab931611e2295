// Test images made by the real tools: small root trees shaped like LUMI's images, packed by
// mksquashfs (each compression) and wrapped by siftool, all under one temporary directory.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Kind = 'conda' | 'laif' | 'plain' | 'newconda';
export const COMPRESSIONS = ['gzip', 'xz', 'zstd', 'lz4'] as const;

type Tree = Record<
  string,
  string | { link: string } | { sparse: number; data?: string } | { mode: number; text: string }
>;

const ENV_BASE = `#!/bin/sh
# Copyright (c) Contributors to the Apptainer project, established as
#   Apptainer a Series of LF Projects LLC.
`;
const ENV_99 = `#!/bin/sh
if [ -z "$LD_LIBRARY_PATH" ]; then
    LD_LIBRARY_PATH="/.singularity.d/libs"
else
    LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/.singularity.d/libs"
fi
PS1="Singularity> "
export LD_LIBRARY_PATH PS1
`;

const CYCLONEDX = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  components: [
    { name: 'torch', version: '2.7.1' },
    { name: 'numpy', version: '2.2.0' },
    { name: 'libc6', version: '2.39' },
  ],
});

export function tree(kind: Kind): Tree {
  const common: Tree = {
    '.singularity.d/env/01-base.sh': ENV_BASE,
    '.singularity.d/env/99-base.sh': ENV_99,
    '.singularity.d/runscript': '#!/bin/sh\nOCI_ENTRYPOINT=\'\'\nexec /bin/bash "$@"\n',
    'bin/sh': { mode: 0o755, text: '#!stand-in\n' },
    'loop/a': { link: 'b' },
    'loop/b': { link: 'a' },
    'data/sparse.bin': { sparse: 3 * 1024 * 1024 + 4321, data: 'tail-bytes' },
  };
  if (kind === 'conda' || kind === 'newconda')
    return {
      ...common,
      '.singularity.d/env/10-docker2singularity.sh':
        '#!/bin/sh\nexport PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n' +
        (kind === 'conda'
          ? 'export WITH_CONDA="source /opt/miniconda3/bin/activate pytorch"\n'
          : 'export PATH="/opt/miniconda3/envs/pytorch/bin:$PATH"\n'),
      '.singularity.d/labels.json': JSON.stringify({ 'org.label-schema.build-date': '2024-02-09' }),
      'etc/os-release':
        'NAME="SLES"\nVERSION_ID="15.5"\nID="sles"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\n',
      'opt/miniconda3/conda-meta/history': '==> 2024-02-09 <==\n',
      'opt/miniconda3/bin/activate': { mode: 0o755, text: '#!/bin/sh\n# activate\n' },
      'opt/miniconda3/bin/conda': { mode: 0o755, text: '#!/bin/sh\n' },
      'opt/miniconda3/lib/python3.11/os.py': '# os\n',
      'opt/miniconda3/envs/pytorch/conda-meta/history': '==> 2024-02-09 <==\n',
      'opt/miniconda3/envs/pytorch/bin/python3.10': { mode: 0o755, text: '\x7fELF stand-in python 3.10\n' },
      'opt/miniconda3/envs/pytorch/bin/python': { link: 'python3.10' },
      'opt/miniconda3/envs/pytorch/bin/python3': { link: 'python3.10' },
      'opt/miniconda3/envs/pytorch/bin/pip': {
        mode: 0o755,
        text: '#!/opt/miniconda3/envs/pytorch/bin/python\n',
      },
      'opt/miniconda3/envs/pytorch/lib/python3.10/site-packages/torch/__init__.py': '__version__ = "2.2.0"\n',
    };
  if (kind === 'laif')
    return {
      ...common,
      '.singularity.d/env/10-docker2singularity.sh':
        '#!/bin/sh\nexport PATH="/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\nexport VIRTUAL_ENV="/opt/venv"\n',
      'etc/os-release': 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nPRETTY_NAME="Ubuntu 24.04.2 LTS"\n',
      'usr/bin/python3.12': { mode: 0o755, text: '\x7fELF stand-in python 3.12\n' },
      'usr/bin/python3': { link: 'python3.12' },
      'usr/lib/python3.12/os.py': '# os\n',
      'opt/venv/pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.12.3\n',
      'opt/venv/bin/python': { link: '/usr/bin/python3.12' },
      'opt/venv/bin/python3': { link: 'python' },
      'opt/venv/bin/pip': { mode: 0o755, text: '#!/opt/venv/bin/python\n' },
      'opt/venv/lib/python3.12/site-packages/torch/__init__.py': '__version__ = "2.7.1"\n',
      '.sbom.json': CYCLONEDX,
    };
  return {
    ...common,
    'etc/os-release':
      'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    'usr/bin/env': { mode: 0o755, text: '\x7fELF env\n' },
  };
}

export function writeTree(root: string, t: Tree): void {
  for (const [rel, entry] of Object.entries(t)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === 'string') writeFileSync(path, entry);
    else if ('link' in entry) symlinkSync(entry.link, path);
    else if ('sparse' in entry) {
      writeFileSync(path, '');
      truncateSync(path, entry.sparse);
      if (entry.data) {
        const fd = openSync(path, 'r+');
        writeSync(fd, entry.data, entry.sparse - entry.data.length);
        writeSync(fd, entry.data, 200000);
        closeSync(fd);
      }
    } else {
      writeFileSync(path, entry.text);
      chmodSync(path, entry.mode);
    }
  }
}

export interface Built {
  dir: string;
  root: string;
  sqsh: string;
  sif: string;
  cleanup(): void;
}

export const OCI_CONFIG_LAIF = {
  Env: ['PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LAIF_IMAGE=1'],
  Labels: { 'org.opencontainers.image.created': '2025-08-27' },
};

/** A root tree of KIND packed with COMPRESSION, as a plain squashfs and as a SIF. */
export function buildImage(
  kind: Kind,
  compression: (typeof COMPRESSIONS)[number] = 'gzip',
  extra: Tree = {},
): Built {
  const dir = mkdtempSync(join(tmpdir(), `lumi-image-${kind}-`));
  const root = join(dir, 'root');
  writeTree(root, { ...tree(kind), ...extra });
  const sqsh = join(dir, `${kind}.sqsh`);
  execFileSync('mksquashfs', [root, sqsh, '-comp', compression, '-noappend', '-quiet', '-no-progress'], {
    stdio: 'ignore',
  });
  const sif = join(dir, `${kind}.sif`);
  execFileSync('siftool', ['new', sif], { stdio: 'ignore' });
  if (kind === 'laif') {
    const cfg = join(dir, 'oci-config.json');
    writeFileSync(cfg, JSON.stringify(OCI_CONFIG_LAIF));
    execFileSync('siftool', ['add', sif, cfg, '--datatype', '6', '--filename', 'oci-config.json'], {
      stdio: 'ignore',
    });
  }
  execFileSync(
    'siftool',
    ['add', sif, sqsh, '--datatype', '4', '--parttype', '2', '--partfs', '1', '--partarch', '2'],
    {
      stdio: 'ignore',
    },
  );
  return { dir, root, sqsh, sif, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
