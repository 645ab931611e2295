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

// Plugin: the given imports load another of our bundles (dist/<bundle>.js) at run time, with
// require() when first imported, instead of copying its code into this bundle. (esbuild's
// splitting needs ESM output; an external import() would go through the ESM loader, which scans
// the whole CommonJS bundle for its exports first: ~100 ms for `check`.)
const linkBundles = (links) => ({
  name: 'link-bundles',
  setup(build) {
    for (const { filter, importer, bundle } of links) {
      build.onResolve({ filter }, (args) =>
        importer === undefined || args.importer.endsWith(importer)
          ? { path: bundle, namespace: 'linked-bundle' }
          : undefined,
      );
    }
    build.onLoad({ filter: /.*/, namespace: 'linked-bundle' }, (args) => ({
      contents: `module.exports = require('./${args.path}.js');`,
      loader: 'js',
    }));
    build.onResolve({ filter: /.*/, namespace: 'linked-bundle' }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
});

// The CLI is a small entry (dist/cli.js: dispatch, --help, --version) and one bundle per command
// file, loaded when that command runs: `check` does not compile ssh2 (most of the 1.5 MB a single
// bundle had). A process runs one command, so each command's modules exist once (cli/io.ts's
// UsageError, which the entry catches, is recognised across bundles).
const CLI_COMMAND_FILES = ['check', 'scaffold', 'run', 'submit', 'inspect'];
const cliCommands = linkBundles(
  CLI_COMMAND_FILES.map((name) => ({
    filter: new RegExp(`^\\./${name}$`),
    importer: `cli${sep}main.ts`,
    bundle: `cli-${name}`,
  })),
);
// `check` loads two parts only when it needs them: the analysers (on a cache miss: luaparse, the
// rules, web-tree-sitter; core/analysis/project/analysers.ts) and execa (to run ShellCheck). A run
// served by its cache compiles neither (~130 KB instead of ~700 KB). The modules that both
// cli-check.js and cli-analysers.js hold (types, resources, luaparse for SitePackage.lua) keep no
// state the two share.
const checkLazyParts = linkBundles([
  { filter: /^\.\/analysers$/, importer: `project${sep}checkProject.ts`, bundle: 'cli-analysers' },
  { filter: /^execa$/, bundle: 'cli-execa' },
]);

const builds = [
  { entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', banner: { js: importMetaShim } },
  { entryPoints: ['server/server.ts'], outfile: 'dist/server.js', banner: { js: importMetaShim } },
  {
    entryPoints: ['cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: `#!/usr/bin/env node\n${importMetaShim}` },
    plugins: [cliCommands],
  },
  ...CLI_COMMAND_FILES.map((name) => ({
    entryPoints: [`cli/${name}.ts`],
    outfile: `dist/cli-${name}.js`,
    banner: { js: importMetaShim },
    plugins: name === 'check' ? [checkLazyParts] : [],
  })),
  {
    entryPoints: ['core/analysis/project/analysers.ts'],
    outfile: 'dist/cli-analysers.js',
    banner: { js: importMetaShim },
    plugins: [checkLazyParts],
  },
  {
    stdin: { contents: "export * from 'execa';", resolveDir: '.', loader: 'js' },
    outfile: 'dist/cli-execa.js',
  },
  // The tree check's worker thread (core/analysis/project/parallel.ts), next to the CLI bundle.
  {
    entryPoints: ['core/analysis/project/checkWorker.ts'],
    outfile: 'dist/checkWorker.js',
    banner: { js: importMetaShim },
  },
];
for (const b of builds) {
  if (watch) {
    const ctx = await esbuild.context({ ...common, ...b });
    await ctx.watch();
  } else {
    await esbuild.build({ ...common, ...b });
  }
}
