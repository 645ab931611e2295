// Bundles the VS Code client, the language server and the CLI into dist/.
// Runtime assets (tree-sitter wasm files) are copied next to the bundles because the
// .vsix ships no node_modules.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sep } from 'node:path';

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

// The CLI is a small entry (dist/cli.js: dispatch, --help, --version) and one bundle per command
// file, required when that command runs: `check` does not compile ssh2 and execa (most of the
// 1.5 MB a single bundle had), which is most of a cached check's start-up. Only cli/main.ts
// loads command files, so each command's modules exist once per process (cli/io.ts's UsageError
// is recognised across bundles).
const CLI_COMMAND_FILES = ['check', 'scaffold', 'run', 'submit'];
const cliCommandBundles = {
  name: 'cli-command-bundles',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^\\./(${CLI_COMMAND_FILES.join('|')})$`) }, (args) =>
      args.importer.endsWith(`cli${sep}main.ts`) ? { path: `./cli-${args.path.slice(2)}.js`, external: true } : undefined,
    );
  },
};

const builds = [
  { entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', banner: { js: importMetaShim } },
  { entryPoints: ['server/server.ts'], outfile: 'dist/server.js', banner: { js: importMetaShim } },
  { entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${importMetaShim}` }, plugins: [cliCommandBundles],
    // import() of a command bundle as require(): a real import() would go through the ESM loader,
    // which scans the whole CommonJS bundle for its exports first (~100 ms for `check`).
    supported: { 'dynamic-import': false } },
  ...CLI_COMMAND_FILES.map((name) => ({ entryPoints: [`cli/${name}.ts`], outfile: `dist/cli-${name}.js`, banner: { js: importMetaShim } })),
];
for (const b of builds) {
  if (watch) {
    const ctx = await esbuild.context({ ...common, ...b });
    await ctx.watch();
  } else {
    await esbuild.build({ ...common, ...b });
  }
}
