#!/usr/bin/env node
// The Lmod differential harness: runs `lumi-modules check` on a directory of modulefiles, then
// loads every module that has a finding Lmod can judge under real Lmod, in the environments the
// finding claims, and confirms or refutes each finding mechanically:
//
//   getenv-no-fallback, '..'      "loading with X unset stops": X unset -> Lmod fails with
//                                 "attempt to concatenate a nil value" (confirmed) or loads (refuted)
//   getenv-no-fallback, pathJoin  "pathJoin drops X": X unset loads, and with X set its value
//                                 reaches the environment (confirmed); X unset fails there (refuted)
//   getenv-no-fallback, argument  "F stops the load" (F: setenv, prepend_path, ...): X unset -> Lmod
//                                 fails with "with command: F, one or more arguments are not strings"
//                                 and X set does not (confirmed), or X unset loads (refuted)
//   undefined-variable (error)    every load stops with "attempt to concatenate a nil value"
//   unknown-function (error)      every load stops with "attempt to call a nil value"
//
// Anything else (a load failing for another reason first: a missing dependency, a site command)
// is undecidable. The other variables a file's findings name are set to marker values, so each
// load isolates one claim. The site package is given through LMOD_PACKAGE_PATH: --site-package DIR,
// else per module the nearest SitePackage.lua of the tree whose site holds it (sitePackageFor).
//
//   npm run build && node scripts/lmod-verify.mjs [--json] [--site-package DIR] DIR
//   (or: npm run verify:lmod -- DIR)
//
// Exit 0: nothing refuted; 1: a finding refuted; 2: usage or a failure of the harness itself.
// Needs bash and Lmod (LMOD_CMD, default /usr/share/lmod/lmod/libexec/lmod). Never runs a shell
// with a file's content: paths and names go to bash as arguments, not as code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(new URL(import.meta.url).pathname), '..');
const MARK = '/LMODVERIFY_MARK_';
const BATCH = 40;

/** A finding Lmod can judge, with the claim it makes. */
function claimOf(f) {
  if (f.code === 'getenv-no-fallback') {
    const variable = /os\.getenv\('([^']+)'\)/.exec(f.message)?.[1];
    if (!variable) return undefined;
    if (/pathJoin/.test(f.message)) return { kind: 'drops', variable };
    const callee = /: (\w+) stops the load$/.exec(f.message)?.[1];
    return callee ? { kind: 'argument-unset', variable, callee } : { kind: 'concat-unset', variable };
  }
  if (f.code === 'undefined-variable' && f.severity === 'error') return { kind: 'concat-always' };
  if (f.code === 'unknown-function' && f.severity === 'error') return { kind: 'call-always' };
  return undefined;
}

/** Where Lmod finds the module: the directory above NAME/, and NAME/VERSION. */
function moduleOf(file) {
  const version = basename(file).replace(/\.lua$/, '');
  return { modulePath: dirname(dirname(file)), name: `${basename(dirname(file))}/${version}` };
}

/** Directories under dir holding a SitePackage.lua (a tree may hold several sites, as Lmod's rt/). */
function findSitePackages(dir, depth = 0, found = []) {
  if (depth > 8) return found;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  if (entries.some((e) => e.name === 'SitePackage.lua' && e.isFile())) found.push(dir);
  for (const e of entries)
    if (e.isDirectory() && !e.name.startsWith('.')) findSitePackages(join(dir, e.name), depth + 1, found);
  return found;
}

/**
 * The site package a module sees: the one whose site (the directory above the SitePackage.lua's
 * own, e.g. LMOD/ or site-scripts/) holds the module, the nearest such; undefined when none does.
 */
function sitePackageFor(file, sitePackages) {
  let best;
  for (const d of sitePackages) {
    const site = dirname(d);
    if (file.startsWith(site + '/') && (!best || dirname(best).length < site.length)) best = d;
  }
  return best;
}

// One bash for a batch of loads; each load in its own subshell with its own environment. The jobs
// come as arguments: id, module path, name, then NAME=VALUE / -NAME (unset) words, then ';'.
const BATCH_SCRIPT = `
while [ $# -gt 0 ]; do
  id=$1 mp=$2 name=$3; shift 3
  sets=()
  while [ "$1" != ";" ]; do sets+=("$1"); shift; done; shift
  echo "@@JOB $id"
  (
    for s in "\${sets[@]}"; do
      case $s in -*) unset "\${s#-}" ;; *) export "$s" ;; esac
    done
    # One Lmod process per load: MODULEPATH set directly (no module use), Lmod's shell code
    # printed, not run (the marker values are read from it).
    export MODULEPATH=$mp
    out=$("$LMOD_CMD" bash load "$name" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -v -e '^__LMOD_REF_COUNT' -e '^_ModuleTable'
    echo "@@RC $rc"
  ) </dev/null
done
`;

function runBatch(jobs, env) {
  return new Promise((resolveBatch) => {
    const args = jobs.flatMap((j) => [String(j.id), j.modulePath, j.name, ...j.sets, ';']);
    const child = spawn('bash', ['--noprofile', '--norc', '-c', BATCH_SCRIPT, 'lmod-verify', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000 + 5_000 * jobs.length);
    child.on('close', () => {
      clearTimeout(timer);
      resolveBatch(out);
    });
    child.on('error', () => resolveBatch(out));
  });
}

/** Job outputs by id: rc (undefined when the job did not finish), Lmod's text, marker lines. */
function parseOutputs(text) {
  const results = new Map();
  for (const part of text.split('@@JOB ').slice(1)) {
    const id = Number(part.slice(0, part.indexOf('\n')));
    const body = part.slice(part.indexOf('\n') + 1);
    const rc = /@@RC (\d+)/.exec(body)?.[1];
    const envLines = body.split('\n').filter((l) => l.includes(MARK));
    const lmod = body
      .split('\n')
      .filter((l) => !l.startsWith('@@'))
      .join(' ')
      .replace(/\s+/g, ' ');
    const failed =
      rc === undefined ? undefined : rc !== '0' || /Lmod has detected the following error/.test(lmod);
    const errors = [...lmod.matchAll(/\]:(\d+): (attempt to (?:concatenate|call) a nil value)/g)].map(
      (m) => ({
        line: Number(m[1]),
        what: m[2],
      }),
    );
    results.set(id, { failed, errors, envLines, lmod });
  }
  return results;
}

function decide(claim, line, unset, set) {
  const concatAt = (r) => r?.errors.some((e) => e.what.includes('concatenate') && e.line === line);
  const callAt = (r) => r?.errors.some((e) => e.what.includes('call') && e.line === line);
  switch (claim.kind) {
    case 'concat-unset':
      if (unset?.failed === false) return 'refuted';
      if (concatAt(unset)) return 'confirmed';
      if (unset?.errors.some((e) => e.what.includes('concatenate')) && set?.failed === false)
        return 'confirmed';
      return 'undecidable';
    case 'drops': {
      if (concatAt(unset)) return 'refuted';
      const reaches = set?.envLines.some(
        (l) => l.includes(MARK + claim.variable) && !l.startsWith(`${claim.variable}=`),
      );
      if (unset?.failed === false && set?.failed === false && reaches) return 'confirmed';
      return 'undecidable';
    }
    case 'argument-unset': {
      if (unset?.failed === false) return 'refuted';
      const notStrings = (r) =>
        r?.lmod.includes(`with command: ${claim.callee}, one or more arguments are not strings`);
      return notStrings(unset) && set !== undefined && !notStrings(set) ? 'confirmed' : 'undecidable';
    }
    case 'concat-always':
      if (set?.failed === false) return 'refuted';
      return concatAt(set) ? 'confirmed' : 'undecidable';
    case 'call-always':
      if (set?.failed === false) return 'refuted';
      return callAt(set) ? 'confirmed' : 'undecidable';
    default:
      return 'undecidable';
  }
}

export async function verifyTree(dir, options = {}) {
  const cli = options.cli ?? join(REPO, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build first`);
  const lmodCmd = options.lmodCmd ?? process.env.LMOD_CMD ?? '/usr/share/lmod/lmod/libexec/lmod';
  if (!existsSync(lmodCmd)) throw new Error(`Lmod not found (${lmodCmd}); set LMOD_CMD`);
  const home = mkdtempSync(join(tmpdir(), 'lmod-verify-'));
  try {
    const baseEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      USER: process.env.USER ?? 'lmodverify',
      LOGNAME: process.env.LOGNAME ?? 'lmodverify',
      LANG: 'C.UTF-8',
    };
    const check = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--no-shellcheck', dir], {
      encoding: 'utf8',
      env: baseEnv,
      maxBuffer: 1 << 28,
    });
    if (check.status !== 0 && check.status !== 1)
      throw new Error(`check exited ${check.status}: ${check.stderr.trim()}`);
    const findings = JSON.parse(check.stdout);
    const sitePackages = options.sitePackage ? [] : findSitePackages(dir);
    const lmodEnv = {
      ...baseEnv,
      LMOD_CMD: lmodCmd,
      LMOD_IGNORE_CACHE: '1',
      LMOD_CACHED_LOADS: 'no',
      LMOD_REDIRECT: 'no',
    };
    const judged = [];
    const byFile = new Map();
    for (const f of findings) {
      const claim = claimOf(f);
      if (!claim || !f.file.endsWith('.lua')) continue;
      const list = byFile.get(f.file) ?? [];
      list.push({ finding: f, claim });
      byFile.set(f.file, list);
    }
    const jobs = [];
    for (const [file, list] of byFile) {
      const { modulePath, name } = moduleOf(file);
      const variables = [...new Set(list.map((c) => c.claim.variable).filter(Boolean))];
      const site = options.sitePackage ?? sitePackageFor(file, sitePackages);
      const siteSet = site ? [`LMOD_PACKAGE_PATH=${site}`] : [];
      const setAll = [...siteSet, ...variables.map((v) => `${v}=${MARK}${v}`)];
      // The load with every variable set: for pathJoin claims, always-claims, and to tell a concat
      // failure caused by X from another one.
      const setJob = { id: jobs.length, modulePath, name, sets: setAll };
      if (list.some((c) => c.claim.kind !== 'concat-unset')) jobs.push(setJob);
      const unsetJobs = new Map();
      for (const c of list) {
        const v = c.claim.variable;
        if (v && !unsetJobs.has(v)) {
          const job = {
            id: jobs.length,
            modulePath,
            name,
            sets: [...siteSet, ...variables.filter((w) => w !== v).map((w) => `${w}=${MARK}${w}`), `-${v}`],
          };
          jobs.push(job);
          unsetJobs.set(v, job);
        }
        judged.push({ ...c, setJob, unsetJob: v ? unsetJobs.get(v) : undefined });
      }
    }
    const batches = [];
    for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
    const outputs = new Map();
    const parallel = options.jobs ?? 2;
    for (let i = 0; i < batches.length; i += parallel) {
      const texts = await Promise.all(batches.slice(i, i + parallel).map((b) => runBatch(b, lmodEnv)));
      for (const t of texts) for (const [id, r] of parseOutputs(t)) outputs.set(id, r);
    }
    const results = judged.map(({ finding, claim, setJob, unsetJob }) => {
      const set = jobs.includes(setJob) ? outputs.get(setJob.id) : undefined;
      const unset = unsetJob ? outputs.get(unsetJob.id) : undefined;
      const verdict = decide(claim, finding.range.start.line + 1, unset, set);
      const evidence = (claim.variable ? unset : set)?.lmod.slice(0, 300) ?? '(no output)';
      return {
        file: finding.file,
        line: finding.range.start.line + 1,
        code: finding.code,
        severity: finding.severity,
        message: finding.message,
        claim: claim.kind,
        verdict,
        lmod: evidence,
      };
    });
    const counts = {};
    for (const r of results) {
      counts[r.code] ??= { confirmed: 0, refuted: 0, undecidable: 0 };
      counts[r.code][r.verdict]++;
    }
    return {
      counts,
      results,
      loads: jobs.length,
      sitePackages: options.sitePackage ? [options.sitePackage] : sitePackages,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'site-package': { type: 'string' }, help: { type: 'boolean' } },
    });
  } catch (e) {
    console.error(`lmod-verify: ${e.message}`);
    return 2;
  }
  const usage = 'usage: node scripts/lmod-verify.mjs [--json] [--site-package DIR] DIR';
  if (parsed.values.help) {
    console.log(usage);
    return 0;
  }
  const dir = parsed.positionals[0];
  if (parsed.positionals.length !== 1 || !existsSync(dir) || !statSync(dir).isDirectory()) {
    console.error(`lmod-verify: give one directory of modulefiles\n${usage}`);
    return 2;
  }
  let report;
  try {
    report = await verifyTree(resolve(dir), { sitePackage: parsed.values['site-package'] });
  } catch (e) {
    console.error(`lmod-verify: ${e.message}`);
    return 2;
  }
  if (parsed.values.json) console.log(JSON.stringify(report, null, 1));
  else {
    console.log(
      `${report.results.length} findings judged by ${report.loads} Lmod loads` +
        (report.sitePackages.length > 0 ? ` (${report.sitePackages.length} site packages)` : ''),
    );
    for (const [code, c] of Object.entries(report.counts))
      console.log(`${code}: ${c.confirmed} confirmed, ${c.refuted} refuted, ${c.undecidable} undecidable`);
    for (const r of report.results.filter((x) => x.verdict === 'refuted'))
      console.log(
        `REFUTED ${r.file}:${r.line} ${r.severity} ${r.code}: ${r.message}\n  Lmod: ${r.lmod || '(loaded)'}`,
      );
  }
  return report.results.some((r) => r.verdict === 'refuted') ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname))
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`lmod-verify: ${e.message}`);
      process.exit(2);
    },
  );
