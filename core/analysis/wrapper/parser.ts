// The bash parser: tree-sitter-bash's wasm grammar under web-tree-sitter (a real parser, no
// regular expressions over shell code). Initialised once per process, asynchronously.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { resourcePath } from '../../common/resources';

let parser: Parser | undefined;
let initializing: Promise<void> | undefined;

/** The wasm file from the package (sources, tests) or from dist/ (the bundles, the .vsix). */
function wasmPath(packageFile: string, distName: string): string {
  try {
    const resolved = require.resolve(packageFile);
    if (existsSync(resolved)) return resolved;
  } catch {
    // bundled: no node_modules
  }
  return join(resourcePath('dist'), distName);
}

export function initBashParser(): Promise<void> {
  initializing ??= (async () => {
    const core = wasmPath('web-tree-sitter/tree-sitter.wasm', 'tree-sitter.wasm');
    await Parser.init({ locateFile: () => core });
    const bash = await Language.load(
      wasmPath('tree-sitter-bash/tree-sitter-bash.wasm', 'tree-sitter-bash.wasm'),
    );
    const p = new Parser();
    p.setLanguage(bash);
    parser = p;
  })();
  return initializing;
}

/** The syntax tree of a script; throws when initBashParser() has not finished. */
export function parseBash(text: string): Tree {
  if (!parser) throw new Error('bash parser not initialised: await initBashParser() first');
  const tree = parser.parse(text);
  if (!tree) throw new Error('bash parser returned no tree');
  return tree;
}

/** Whether parseBash can be called now (initBashParser() has finished). */
export function bashParserReady(): boolean {
  return parser !== undefined;
}
