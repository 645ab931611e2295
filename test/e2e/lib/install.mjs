// Installs the end-to-end tools into the git-ignored cache .cache/e2e/tools/ on first use:
// code-server 4.99.4 (VS Code 1.99.3) and playwright-core 1.65.1. They are not dependencies of
// the extension, so `npm ci` stays small. Reused when the installed versions match.
//
// @vscode/ripgrep's postinstall downloads rg from GitHub, which is not reachable here. It first
// looks for a cached archive in $TMPDIR/vscode-ripgrep-cache-<version>/, so we seed that with
// Debian's /usr/bin/rg (13.0.0, the version it wants) and the normal install runs unmodified.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.99.4';
export const PLAYWRIGHT_VERSION = '1.65.1';
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function installedVersion(dir, name) {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Returns { codeServer, playwrightCore } paths, installing first when needed. */
export function ensureTools(cacheDir, log = console.log) {
  const dir = join(cacheDir, 'tools');
  const codeServer = join(dir, 'node_modules', '.bin', 'code-server');
  const playwrightCore = join(dir, 'node_modules', 'playwright-core', 'index.mjs');
  const ready = () =>
    installedVersion(dir, 'code-server') === CODE_SERVER_VERSION &&
    installedVersion(dir, 'playwright-core') === PLAYWRIGHT_VERSION &&
    existsSync(codeServer) &&
    existsSync(
      join(
        dir,
        'node_modules',
        'code-server',
        'lib',
        'vscode',
        'node_modules',
        '@vscode',
        'ripgrep',
        'bin',
        'rg',
      ),
    ) &&
    existsSync(join(dir, '.complete'));
  if (ready()) return { codeServer, playwrightCore };

  if (!existsSync('/usr/bin/rg'))
    throw new Error('ripgrep is needed for the code-server install: apt-get install ripgrep');
  log(
    `installing code-server@${CODE_SERVER_VERSION} and playwright-core@${PLAYWRIGHT_VERSION} into ${dir} (first run only, one to two minutes)`,
  );
  rmSync(join(dir, '.complete'), { force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'lumi-e2e-tools', private: true }, null, 2) + '\n',
  );
  const tmp = join(cacheDir, 'tmp');
  mkdirSync(join(tmp, RIPGREP_CACHE), { recursive: true });
  const tar = spawnSync('tar', ['czf', join(tmp, RIPGREP_CACHE, RIPGREP_ARCHIVE), '-C', '/usr/bin', 'rg'], {
    stdio: 'inherit',
  });
  if (tar.status !== 0) throw new Error('could not seed the ripgrep cache');
  const r = spawnSync(
    'npm',
    [
      'install',
      '--save-exact',
      `code-server@${CODE_SERVER_VERSION}`,
      `playwright-core@${PLAYWRIGHT_VERSION}`,
    ],
    {
      cwd: dir,
      stdio: 'inherit',
      env: {
        ...process.env,
        TMPDIR: tmp,
        npm_config_cache: join(cacheDir, 'npm-cache'), // not ~/.npm
        npm_config_unsafe_perm: 'true', // code-server's postinstall.sh insists on it when run as root
        npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
        // Build native modules against the installed node's headers: node-gyp must not download them.
        ...(existsSync(join(dirname(dirname(process.execPath)), 'include', 'node', 'node.h')) &&
        !process.env.npm_config_nodedir
          ? { npm_config_nodedir: dirname(dirname(process.execPath)) }
          : {}),
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        npm_config_update_notifier: 'false',
      },
    },
  );
  if (r.status === 0) writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  if (!ready()) {
    rmSync(join(dir, '.complete'), { force: true });
    throw new Error(`installing the e2e tools failed (npm exit ${r.status}); see the output above`);
  }
  return { codeServer, playwrightCore };
}
