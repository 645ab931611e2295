// Finds files shipped with the extension (templates, wasm grammars) both when running from the
// esbuild bundles in dist/ and from the TypeScript sources under tsx (tests).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | undefined;

/** The directory holding this project's package.json (the extension root). */
export function extensionRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'lumi-container-modules') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // not our manifest; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the extension root above ${__dirname}`);
    dir = parent;
  }
}

/** Absolute path of a file shipped with the extension, e.g. resourcePath('templates', 'module.lua'). */
export function resourcePath(...parts: string[]): string {
  return join(extensionRoot(), ...parts);
}

let cachedVersion: string | undefined;

/** This project's version from package.json (SARIF's tool version, the check cache key). */
export function packageVersion(): string {
  cachedVersion ??= String(
    (JSON.parse(readFileSync(resourcePath('package.json'), 'utf8')) as { version?: unknown }).version ??
      '0.0.0',
  );
  return cachedVersion;
}
