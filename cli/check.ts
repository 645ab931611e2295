// `lumi-modules check [--format text|json|sarif] [--env NAME=VALUE]... [--no-shellcheck]
//   [--max-warnings N] [--cache] [--cache-location PATH] PATH...`
// Exit 0: no error-severity diagnostic (and warnings within --max-warnings); 1: otherwise; 2: bad
// usage, a malformed .lumi-modules.json, or no modulefile or wrapper script among the PATHs.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { batchEnv, isLuaVersion, LUA_VERSIONS } from '../core/analysis/env';
import { checkProject } from '../core/analysis/project/checkProject';
import type { FileFinding } from '../core/analysis/types';
import { parseCommandArgs } from './args';
import { CliIO, UsageError } from './io';
import { findExecutable } from '../core/common/which';
import { packageVersion } from '../core/common/resources';
import { ProjectConfigError } from '../core/analysis/projectConfig';
import { formatSarif } from './sarif';
import { CheckCache, runKey } from '../core/analysis/project/checkCache';
import { shellcheckVersion } from '../core/analysis/wrapper/shellcheck';
import { readSource } from '../core/analysis/project/readSource';
import { escapeControl } from '../core/common/terminalText';
import { errnoInWords } from '../core/common/errnoWords';
import { colorWanted, formatText } from './textFormat';

const CACHE_NAME = '.lumi-modules-cache';

export const checkUsage = `usage: lumi-modules check [--format text|json|sarif] [--env NAME=VALUE]...
                          [--no-shellcheck] [--max-warnings N] [--cache] [--cache-location PATH]
                          [--site-package FILE]
                          [--lua-version 5.1|5.2|5.3|LuaJIT] [--concurrency N|auto|off] PATH...

Checks Lmod modulefiles (*.lua) and the container wrapper scripts they put on PATH.
  --format text|json|sarif  text: per file its findings with the source line and a summary (default;
                       colour on a terminal, NO_COLOR/FORCE_COLOR respected); json: an array;
                       sarif: SARIF 2.1.0 for code-scanning UIs
  --env NAME=VALUE     value for os.getenv(NAME) when resolving paths (repeatable); otherwise the
                       process environment is used
  --no-shellcheck      do not add ShellCheck findings for wrapper scripts
  --max-warnings N     exit 1 also when there are more than N warnings
  --cache              reuse the findings of files that (with what they depend on) did not change
                       since the last --cache run, from .lumi-modules-cache in the current directory
  --cache-location PATH   the cache file (or a directory to keep .lumi-modules-cache in)
  --site-package FILE  a site's SitePackage.lua: the functions its sandbox_registration{...}
                       makes callable from modulefiles (default: $LMOD_PACKAGE_PATH/SitePackage.lua
                       when set; LUMI's are always known)
  --lua-version V      the Lua grammar of the modulefiles: 5.1, 5.2, 5.3 (default: Lmod on LUMI
                       runs Lua 5.3) or LuaJIT; the setting lumiModules.luaVersion in the editor
  --concurrency N|auto|off  threads that analyse modulefiles (default auto: more than one only
                       with 4 or more cores and 500 or more modulefiles per thread; off: one)

Per-code severity and 'off' come from the nearest .lumi-modules.json above each checked file;
'-- lumi-modules: ignore CODE' (Lua) or '# lumi-modules: ignore CODE' (shell) on a line or the
line above it suppresses a finding there.`;

export function parseEnvAssignments(assignments: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.slice(0, eq))) {
      throw new UsageError(`--env needs NAME=VALUE, got '${a}'`);
    }
    vars[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return vars;
}

/**
 * The JSON output: checkProject makes each finding exactly { file, range, severity, code, message }
 * (no `fixes`), so the array is written as it is: copying every finding is a large part of a run
 * the cache answers. The shape is held by a test of the output (check-config).
 */
export function formatJson(findings: readonly FileFinding[]): string {
  return JSON.stringify(findings);
}

/**
 * The cache file: --cache-location (a directory gets .lumi-modules-cache inside), else ./.lumi-modules-cache.
 */
function cacheFile(cwd: string, location: string | undefined): string {
  if (location === undefined) return join(cwd, CACHE_NAME);
  const path = resolve(cwd, location);
  let isDir = location.endsWith('/');
  try {
    isDir ||= statSync(path).isDirectory();
  } catch {
    // not there yet: a file
  }
  return isDir ? join(path, CACHE_NAME) : path;
}

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(argv, {
    format: { type: 'string' },
    env: { type: 'string', multiple: true },
    'no-shellcheck': { type: 'boolean' },
    'max-warnings': { type: 'string' },
    cache: { type: 'boolean' },
    'cache-location': { type: 'string' },
    'site-package': { type: 'string' },
    'lua-version': { type: 'string' },
    concurrency: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (args.values.help) {
    io.stdout.write(checkUsage + '\n');
    return 0;
  }
  const format = args.values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif')
    throw new UsageError(`--format must be text, json or sarif, got '${format}'`);
  const maxWarningsText = args.values['max-warnings'];
  if (maxWarningsText !== undefined && !/^\d+$/.test(maxWarningsText))
    throw new UsageError(`--max-warnings needs a whole number >= 0, got '${maxWarningsText}'`);
  const maxWarnings = maxWarningsText === undefined ? undefined : Number(maxWarningsText);
  if (args.positionals.length === 0) throw new UsageError(`no PATH given\n${checkUsage}`);
  for (const p of args.positionals) {
    const problem = missingPath(resolve(io.cwd, p));
    if (problem) throw new UsageError(`${problem}: ${escapeControl(p)}`);
  }
  const sitePackage = args.values['site-package'];
  if (sitePackage !== undefined && !existsSync(resolve(io.cwd, sitePackage)))
    throw new UsageError(`no such file: --site-package ${sitePackage}`);
  const workers = threadsBesidesMain(args.values.concurrency ?? 'auto');
  const luaVersion = args.values['lua-version'] ?? '5.3';
  if (!isLuaVersion(luaVersion))
    throw new UsageError(`--lua-version must be one of ${LUA_VERSIONS.join(', ')}, got '${luaVersion}'`);
  const shellcheckPath = args.values['no-shellcheck'] ? undefined : findExecutable('shellcheck', io.env.PATH);
  const envOptions = {
    vars: parseEnvAssignments(args.values.env ?? []),
    processEnv: io.env,
    shellcheck: { enabled: shellcheckPath !== undefined, path: shellcheckPath ?? 'shellcheck' },
    sitePackage: sitePackage === undefined ? undefined : resolve(io.cwd, sitePackage),
    luaVersion,
  };
  const env = batchEnv(envOptions);
  const cacheLocation = args.values['cache-location'];
  if (cacheLocation !== undefined && !args.values.cache)
    throw new UsageError('--cache-location needs --cache');
  const cache = args.values.cache
    ? CheckCache.load(
        cacheFile(io.cwd, cacheLocation),
        runKey(
          env,
          packageVersion(),
          shellcheckPath ? `${shellcheckPath} ${await shellcheckVersion(shellcheckPath)}` : 'off',
        ),
        env,
      )
    : undefined;
  // A run the cache serves is short: TurboFan's background compiles do not pay off in it, and the
  // process cannot exit while one runs. Off from the first lookup: the walk before it (an lstat per
  // file, through Node's own JavaScript) gains from optimised code, and those compiles end while
  // the cache answers.
  // On again at the first file the cache cannot answer (analysing it is long), and when done.
  if (cache?.dropped !== undefined)
    io.stderr.write(
      `lumi-modules check: the cache ${escapeControl(cache.location)} is not valid ` +
        `(${escapeControl(cache.dropped)}): it is rebuilt\n`,
    );
  if (cache) {
    cache.onFirstLookup = () => setFlagsFromString('--no-turbofan');
    cache.onFirstMiss = () => setFlagsFromString('--turbofan');
  }
  let findings;
  const counts = { modulefiles: 0, wrappers: 0 };
  try {
    try {
      findings = await checkProject(args.positionals, io.cwd, env, {
        layer: cache,
        parallel: { workerScript: checkWorkerScript(), envOptions, workers },
        counts,
      });
    } catch (err) {
      if (err instanceof ProjectConfigError) throw new UsageError(err.message);
      throw err;
    }
    try {
      cache?.save();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = errnoInWords(code) ?? code ?? (err as Error).message;
      io.stderr.write(
        `lumi-modules check: cannot write the cache ${escapeControl(cache!.location)}: ` +
          `${escapeControl(why)}\n`,
      );
    }
    if (!args.values['no-shellcheck'] && shellcheckPath === undefined && counts.wrappers > 0)
      io.stderr.write(
        'lumi-modules check: shellcheck not found on PATH: wrapper scripts checked without it ' +
          '(install ShellCheck, or pass --no-shellcheck)\n',
      );
    const output =
      format === 'json'
        ? formatJson(findings)
        : format === 'sarif'
          ? formatSarif(findings, io.cwd, packageVersion())
          : formatText(findings, {
              cwd: io.cwd,
              color: colorWanted(io.env, Boolean((io.stdout as { isTTY?: boolean }).isTTY)),
              readText: (file) => {
                const source = readSource(file);
                return source.ok ? source.text : undefined;
              },
            });
    if (output) io.stdout.write(output + '\n');
    // Nothing to check is no success: a mistyped directory or a tree of other files would pass CI.
    // What the walk found (a link out of the tree, a loop) is shown above: it may say why.
    if (counts.modulefiles === 0 && counts.wrappers === 0) {
      io.stderr.write('lumi-modules check: no modulefiles or wrapper scripts found\n');
      return 2;
    }
  } finally {
    if (cache) setFlagsFromString('--turbofan');
  }
  if (findings.some((f) => f.severity === 'error')) return 1;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    io.stderr.write(`lumi-modules check: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}

/** --concurrency N|auto|off (ESLint's): N threads analyse modulefiles, the main one among them. */
function threadsBesidesMain(value: string): number | undefined {
  if (value === 'auto') return undefined;
  if (value === 'off') return 0;
  if (!/^[1-9]\d{0,2}$/.test(value))
    throw new UsageError(`--concurrency needs a number of threads (1-999), auto or off, got '${value}'`);
  return Number(value) - 1;
}

/**
 * The bundled worker of a tree check next to this bundle (dist/checkWorker.js); absent when run from source.
 */
function checkWorkerScript(): string | undefined {
  const script = join(__dirname, 'checkWorker.js');
  return existsSync(script) ? script : undefined;
}

/** Why a PATH argument cannot be checked at all (a link that leads nowhere says so), or undefined. */
function missingPath(path: string): string | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'symbolic link loop';
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) return 'dangling symbolic link';
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or directory' : `cannot read (${code})`;
  }
}
