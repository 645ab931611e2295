// Bundles the VS Code client, the language server and the CLI into dist/.
// Runtime assets (tree-sitter wasm files) are copied next to the bundles because the
// .vsix ships no node_modules.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ssh2 tries optional native add-ons inside try/catch and falls back to pure JS.
  external: ['vscode', 'cpu-features', '*.node'],
  // web-tree-sitter reads import.meta.url, which a CommonJS bundle does not have.
  define: { 'import.meta.url': '__importMetaUrl' },
};
const importMetaShim = "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;";

mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'), 'dist/tree-sitter-bash.wasm');

const builds = [
  { entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', banner: { js: importMetaShim } },
  { entryPoints: ['server/server.ts'], outfile: 'dist/server.js', banner: { js: importMetaShim } },
  { entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${importMetaShim}` } },
  // The tree check's worker thread (core/analysis/project/parallel.ts), next to the CLI bundle.
  { entryPoints: ['core/analysis/project/checkWorker.ts'], outfile: 'dist/checkWorker.js', banner: { js: importMetaShim } },
];
for (const b of builds) {
  if (watch) {
    const ctx = await esbuild.context({ ...common, ...b });
    await ctx.watch();
  } else {
    await esbuild.build({ ...common, ...b });
  }
}
