// `npm run bench -- --only=lsp-many`: the language server with many open documents, through a real
// LSP client over stdio. Time until every one of 1,000 and 5,000 opened modulefiles has its
// diagnostics (target: linear, 5,000 under 10 s on 2 cores), and a configuration change with 1,000
// documents open while a hover is asked (target: the hover answered within 100 ms, the re-check
// running in the background).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer, type TestClient } from '../helpers/lspClient';

const ms = (t: number) => `${t.toFixed(0)} ms`;

/** A module of the CSC pattern whose paths all resolve under ROOT (no finding but the fixable ones). */
function moduleText(i: number, root: string): string {
  return `local signRoot = os.getenv('PROJHOME') or '${root}'
whatis("Name: tool${i}")
setenv("SING_IMAGE", pathJoin(signRoot, 'sif', 'tool.sif'))
prepend_path('PATH', pathJoin(signRoot, 'bin'))
setenv("WITH_CONDA", "source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch")
`;
}

/** Opens N modulefiles; resolves with the time until each has had its first diagnostics. */
async function openMany(
  client: TestClient,
  root: string,
  n: number,
): Promise<{ uris: string[]; ms: number }> {
  const t0 = performance.now();
  const uris: string[] = [];
  for (let i = 0; i < n; i++) {
    const path = join(root, 'modules', `tool${i}`, '1.0.lua');
    uris.push(await client.open(path, moduleText(i, root)));
  }
  await Promise.all(uris.map((uri) => client.diagnostics(uri, () => true, 120_000)));
  return { uris, ms: performance.now() - t0 };
}

function tree(n: number): string {
  const root = mkdtempSync(join(tmpdir(), 'lumi-bench-lsp-many-'));
  for (const d of ['sif', 'bin']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'sif', 'tool.sif'), '');
  for (let i = 0; i < n; i++) mkdirSync(join(root, 'modules', `tool${i}`), { recursive: true });
  return root;
}

export async function benchLspMany(lines: string[]): Promise<void> {
  const figures: string[] = [];
  for (const n of [1000, 5000]) {
    const root = tree(n);
    const client = await startServer({ rootPath: root, settings: { shellcheck: { enable: false } } });
    try {
      const { ms: took } = await openMany(client, root, n);
      figures.push(`${n.toLocaleString('en')} documents ${ms(took)} (${(took / n).toFixed(2)} ms each)`);
    } finally {
      await client.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }
  lines.push(`LSP, open documents until all have diagnostics: ${figures.join(', ')} (target 5,000 < 10 s)`);

  const n = 1000;
  const root = tree(n);
  // The object the client answers workspace/configuration with: changed in place below.
  const settings: { shellcheck: { enable: boolean }; env: Record<string, string> } = {
    shellcheck: { enable: false },
    env: {},
  };
  const client = await startServer({ rootPath: root, settings });
  try {
    const { uris } = await openMany(client, root, n);
    const hovers: number[] = [];
    const rechecks: number[] = [];
    for (let round = 0; round < 5; round++) {
      const before = uris.map((uri) => client.published(uri).length);
      settings.env = { PROJHOME: round % 2 === 0 ? join(root, 'elsewhere') : root };
      const t0 = performance.now();
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: uris[n - 1 - round] },
        position: { line: 2, character: 2 },
      });
      hovers.push(performance.now() - t0);
      // Until every document has been published again with the new settings.
      while (uris.some((uri, i) => client.published(uri).length <= before[i]))
        await new Promise((r) => setTimeout(r, 20));
      rechecks.push(performance.now() - t0);
    }
    hovers.sort((a, b) => a - b);
    rechecks.sort((a, b) => a - b);
    lines.push(
      `LSP, a settings change with ${n.toLocaleString('en')} documents open: hover answered in ` +
        `median ${ms(hovers[2])} (max ${ms(hovers[4])}; target < 100 ms), all re-published in ` +
        `median ${ms(rechecks[2])} (n=5)`,
    );
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
