// `lumi-modules check [--format text|json] [--env NAME=VALUE]... [--no-shellcheck] PATH...`
// Exit 0: no error-severity diagnostic; 1: at least one; 2: bad usage.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { makeEnv, realFileSystem, snapshotFileSystem } from '../core/analysis/env';
import { checkProject } from '../core/analysis/project/checkProject';
import type { FileFinding } from '../core/analysis/types';
import { booleanFlag, listFlag, parseArgs, stringFlag } from './args';
import { CliIO, UsageError } from './io';
import { findExecutable } from '../core/common/which';

export const checkUsage = `usage: lumi-modules check [--format text|json] [--env NAME=VALUE]... [--no-shellcheck] [--site-package FILE] PATH...

Checks Lmod modulefiles (*.lua) and the container wrapper scripts they put on PATH.
  --format text|json   text: file:line:col: severity code: message (default); json: an array
  --env NAME=VALUE     value for os.getenv(NAME) when resolving paths (repeatable); otherwise the
                       process environment is used
  --no-shellcheck      do not add ShellCheck findings for wrapper scripts
  --site-package FILE  a site's SitePackage.lua: the functions its sandbox_registration{...}
                       makes callable from modulefiles (default: $LMOD_PACKAGE_PATH/SitePackage.lua
                       when set; LUMI's are always known)`;

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

export function formatText(findings: readonly FileFinding[], cwd: string): string {
  return findings
    .map((f) => {
      const rel = relative(cwd, f.file);
      const shown = rel.startsWith('..') || rel === '' ? f.file : rel;
      return `${shown}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code}: ${f.message}`;
    })
    .join('\n');
}

export function formatJson(findings: readonly FileFinding[]): string {
  return JSON.stringify(
    findings.map((f) => ({ file: f.file, range: f.range, severity: f.severity, code: f.code, message: f.message })),
  );
}

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, {
    format: { type: 'string' },
    env: { type: 'list' },
    'no-shellcheck': { type: 'boolean' },
    'site-package': { type: 'string' },
    help: { type: 'boolean' },
  });
  if (booleanFlag(args, 'help')) {
    io.stdout.write(checkUsage + '\n');
    return 0;
  }
  const format = stringFlag(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${format}'`);
  if (args.positionals.length === 0) throw new UsageError(`no PATH given\n${checkUsage}`);
  for (const p of args.positionals) {
    if (!existsSync(resolve(io.cwd, p))) throw new UsageError(`no such file or directory: ${p}`);
  }
  const sitePackage = stringFlag(args, 'site-package');
  if (sitePackage !== undefined && !existsSync(resolve(io.cwd, sitePackage))) throw new UsageError(`no such file: --site-package ${sitePackage}`);
  const shellcheckPath = booleanFlag(args, 'no-shellcheck') ? undefined : findExecutable('shellcheck', io.env.PATH);
  const env = makeEnv({
    vars: parseEnvAssignments(listFlag(args, 'env')),
    processEnv: io.env,
    shellcheck: { enabled: shellcheckPath !== undefined, path: shellcheckPath ?? 'shellcheck' },
    fs: snapshotFileSystem(realFileSystem),
    sitePackage: sitePackage === undefined ? undefined : resolve(io.cwd, sitePackage),
  });
  const findings = await checkProject(args.positionals, io.cwd, env);
  const output = format === 'json' ? formatJson(findings) : formatText(findings, io.cwd);
  if (output) io.stdout.write(output + '\n');
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
