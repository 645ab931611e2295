// Copies the real-world corpus out of local git clones of the repositories in sources.json into a
// corpus directory (not committed: the files are other people's). Run once on a machine that has
// the clones, then point the corpus test at the result:
//
//   node test/corpus/collect.mjs --clones DIR --out DIR
//
// DIR of clones holds one git directory per repository, found as DIR/<owner>+<name>/repo,
// DIR/<owner>+<name>, DIR/<owner>/<name> or DIR/<name> (bare or not). Each file keeps its
// repository path under OUT/<owner>/<name>/. EasyBuild easyconfigs contribute their Lua
// `modluafooter` as `<file>.footer.lua` and the scripts they install as `<file>.install/<path>`
// (as written into the installation directory: see embeddedTexts). Modes and symbolic links are
// kept as git has them. OUT/MANIFEST.json lists every file with its source, commit, licence and
// SHA-256 (of a link: of its target's name) and the copy of its repository's licence text
// (`licenceFile`, e.g. TACC/Lmod/License, copied from the repository at the commit).
//
// The part CI checks (sources.json `redistributable`: their licences allow redistribution with the
// licence text) is committed as test/corpus/redistributable.tar.xz, made reproducibly with
//
//   node test/corpus/collect.mjs --clones DIR --redistributable-only --archive test/corpus/redistributable.tar.xz
//
// (sorted entries, mtime 0, owner 0, modes u=rwX,go=rX, xz single-threaded: the same clones give
// the same bytes). Only git (read-only: ls-tree, show), tar and xz are run, never a shell.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { clones: { type: 'string' }, out: { type: 'string' }, 'redistributable-only': { type: 'boolean' }, archive: { type: 'string' } },
  strict: true,
});
const usage = 'usage: node test/corpus/collect.mjs --clones DIR (--out DIR | --redistributable-only --archive FILE.tar.xz [--out EMPTY-DIR])';
if (!values.clones || (!values.out && !values.archive)) {
  console.error(usage);
  process.exit(2);
}
// The archive is committed: only sources whose licence allows it may go in.
if (values.archive && !values['redistributable-only']) {
  console.error(`collect: --archive needs --redistributable-only (the other sources' files must not be redistributed)\n${usage}`);
  process.exit(2);
}
// An archive holds exactly what this run collects: no stale files of an earlier run.
if (values.archive && values.out && existsSync(values.out) && readdirSync(values.out).length > 0) {
  console.error(`collect: ${values.out} is not empty; --archive collects into an empty (or new) directory`);
  process.exit(2);
}
const out = values.out ?? mkdtempSync(join(tmpdir(), 'lumi-modules-corpus-'));
// collectorVersion (2: scripts as installed, git modes and links kept) is written beside MANIFEST.json.
const { sources: allSources, collectorVersion } = JSON.parse(execFileSync('cat', [new URL('./sources.json', import.meta.url).pathname], { encoding: 'utf8' }));
const sources = values['redistributable-only'] ? allSources.filter((s) => s.redistributable === true) : allSources;

function gitDir(repo) {
  const [owner, name] = repo.split('/');
  for (const c of [join(values.clones, `${owner}+${name}`, 'repo'), join(values.clones, `${owner}+${name}`), join(values.clones, owner, name), join(values.clones, name)]) {
    if (existsSync(c)) return c;
  }
  return undefined;
}

/** A glob (`**` any depth, `*` within a name) as a regular expression over repository paths. */
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The value of a Python string literal's body: escapes processed unless raw; in an f-string `{{`/`}}`
 * become braces and `{name}` the value of a string variable of the file (`known`), else it stays.
 */
function pythonString(body, prefix, known = new Map()) {
  const fString = (text) => text.replace(/\{\{|\}\}|\{(\w+)\}/g, (all, name) => (all === '{{' ? '{' : all === '}}' ? '}' : (known.get(name) ?? all)));
  if (/r/i.test(prefix)) return /f/i.test(prefix) ? fString(body) : body;
  const simple = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
  const value = body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (all, e) => {
    if (e in simple) return simple[e];
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return all; // not an escape in Python: kept with its backslash (`\$`)
  });
  return /f/i.test(prefix) ? fString(value) : value;
}

/**
 * What an unquoted here-document (`cat >F <<EOF ... EOF`) writes: `\$`, `` \` `` and `\\` lose their
 * backslash, a backslash-newline is removed. Unescaped `$X` would expand on the installing host;
 * they are kept as written (the collector never runs shell code).
 */
function hereDocument(text) {
  return text.replace(/\\([$`\\\n])/g, (_, c) => (c === '\n' ? '' : c));
}

/**
 * The texts an easyconfig embeds, as EasyBuild writes them: its Lua `modluafooter` (the Python
 * string's value) and the scripts it installs. A script `local_* = """#!..."""` (with its
 * `.replace(A, B)` calls) that `postinstallcmds` writes through `cat >%(installdir)s/PATH <<EOF
 * {local_*}EOF` becomes `install/PATH` with the here-document's unescaping (`\$` -> `$`), as it
 * lands in the installation directory; one installed nowhere keeps its variable's name
 * (`local_bin_x.sh`). `%(installdir)s` becomes LUMI's installation directory of the easyconfig
 * (`%(name)s`, `%(version)s` its parts);
 * f-string `{name}` placeholders become the file's string variables (other expressions stay).
 */
function embeddedTexts(text, installdir) {
  const values = new Map();
  // One-line strings first (`local_sif = 'lumi-...sif'`): f-strings refer to them.
  for (const m of text.matchAll(/^(\w+)\s*=\s*([fFrRuU]*)(['"])((?:\\.|(?!\3)[^\\\n])*)\3\s*(?:#.*)?$/gm)) values.set(m[1], pythonString(m[4], m[2], values));
  for (const m of text.matchAll(/^(\w+)\s*=\s*([fFrRuU]*)("""|\'\'\')([\s\S]*?)\3((?:\s*\.replace\(\s*(?:'[^']*'|"[^"]*")\s*,\s*(?:'[^']*'|"[^"]*")\s*\))*)/gm)) {
    let value = pythonString(m[4], m[2], values);
    for (const r of m[5].matchAll(/\.replace\(\s*(?:'([^']*)'|"([^"]*)")\s*,\s*(?:'([^']*)'|"([^"]*)")\s*\)/g)) {
      value = value.split(pythonString(r[1] ?? r[2], '')).join(pythonString(r[3] ?? r[4], ''));
    }
    values.set(m[1], value);
  }
  // `chmod a+x|a-x %(installdir)s/PATH` after writing: the installed file's mode.
  const executable = new Map([...text.matchAll(/chmod\s+a([+-])x\s+%\(installdir\)s\/([\w./-]+)/g)].map((m) => [m[2], m[1] === '+']));
  const out = new Map();
  // EasyBuild resolves its templates in what it writes (`%(installdir)s`, `%(name)s`, `%(version)s`).
  const [name, version] = installdir.split('/').slice(-2);
  const resolved = (t) => t.replaceAll('%(installdir)s', installdir).replaceAll('%(name)s', name).replaceAll('%(version)s', version);
  if (values.has('modluafooter')) out.set('footer.lua', { text: resolved(values.get('modluafooter')), mode: 0o644 });
  const installed = new Set();
  for (const m of text.matchAll(/cat\s*>\s*%\(installdir\)s\/([\w./-]+)\s*<<EOF\s*\{(\w+)\}EOF/g)) {
    const script = values.get(m[2])?.trimStart();
    if (script?.startsWith('#!')) {
      out.set(`install/${m[1]}`, { text: resolved(hereDocument(script)), mode: executable.get(m[1]) === false ? 0o644 : 0o755 });
      installed.add(m[2]);
    }
  }
  for (const [name, value] of values) {
    if (/^local_(bin|runscript)/.test(name) && !installed.has(name) && value.trimStart().startsWith('#!')) out.set(`${name}.sh`, { text: resolved(value.trimStart()), mode: 0o755 });
  }
  return out;
}

/** Where LUMI's EasyBuild installs an easyconfig's software: .../SW/container/NAME/VERSION. */
function installDir(easyconfigPath) {
  const [, name, version] = /^([^-]+)-(.*)\.eb$/.exec(posix.basename(easyconfigPath)) ?? [, 'unknown', 'unknown'];
  return `/appl/local/containers/easybuild/SW/container/${name}/${version}`;
}

const git = (dir, args) => execFileSync('git', ['-C', dir, ...args], { maxBuffer: 1 << 28 });
const manifest = [];
for (const s of sources) {
  const dir = gitDir(s.repo);
  if (!dir) {
    console.error(`collect: no clone of ${s.repo} under ${values.clones}: skipped`);
    continue;
  }
  const patterns = s.include.map(globToRegExp);
  // `MODE blob SHA\tPATH` per file: the mode says executable (100755), plain (100644) or symbolic link (120000).
  const entries = git(dir, ['ls-tree', '-r', '-z', s.commit]).toString('utf8').split('\0').filter(Boolean).map((line) => {
    const tab = line.indexOf('\t');
    return { mode: line.slice(0, 6), path: line.slice(tab + 1) };
  });
  // What the patterns select, and the files its links point to (`4.1.lua -> ../.base/impi/template`).
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const selected = new Map(entries.filter((e) => patterns.some((re) => re.test(e.path))).map((e) => [e.path, e]));
  for (const e of [...selected.values()].filter((x) => x.mode === '120000')) {
    const target = posix.normalize(posix.join(posix.dirname(e.path), git(dir, ['show', `${s.commit}:${e.path}`]).toString('utf8')));
    if (byPath.has(target) && !selected.has(target)) selected.set(target, byPath.get(target));
  }
  // The repository's licence text beside its files (redistribution with attribution needs it).
  const licenceFile = s.licenceFile === undefined ? undefined : posix.join(s.repo, s.licenceFile);
  if (licenceFile !== undefined) {
    mkdirSync(join(out, s.repo), { recursive: true });
    writeFileSync(join(out, licenceFile), git(dir, ['show', `${s.commit}:${s.licenceFile}`]), { mode: 0o644 });
  }
  let count = 0;
  for (const { mode, path } of [...selected.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const bytes = git(dir, ['show', `${s.commit}:${path}`]);
    const base = join(out, s.repo, path);
    const pieces =
      s.kind === 'easyconfig'
        ? [...embeddedTexts(bytes.toString('utf8'), installDir(path))].map(([suffix, piece]) => ({ outPath: `${base}.${suffix}`, content: Buffer.from(piece.text, 'utf8'), mode: piece.mode }))
        : [{ outPath: base, content: bytes, mode: mode === '100755' ? 0o755 : 0o644, link: mode === '120000' }];
    for (const { outPath, content, mode: fileMode, link } of pieces) {
      mkdirSync(dirname(outPath), { recursive: true });
      // A link stays a link (Lmod trees link versions to one file; `bin/python3 -> python`): its
      // content is the target, which is no modulefile or script of its own.
      if (link) symlinkSync(content.toString('utf8'), outPath);
      else writeFileSync(outPath, content, { mode: fileMode });
      manifest.push({ file: outPath.slice(out.length + 1), repo: s.repo, commit: s.commit, path, licence: s.licence, ...(licenceFile ? { licenceFile } : {}), ...(link ? { link: content.toString('utf8') } : {}), sha256: createHash('sha256').update(content).digest('hex') });
      count++;
    }
  }
  console.error(`collect: ${s.repo}@${s.commit.slice(0, 7)}: ${count} files`);
}
writeFileSync(join(out, 'MANIFEST.json'), JSON.stringify(manifest, null, 1) + '\n');
// The corpus test refuses a corpus made by an older collector (its files differ from this one's).
writeFileSync(join(out, 'COLLECTOR_VERSION'), `${collectorVersion}\n`);
console.error(`collect: ${manifest.length} files in ${out}`);

if (values.archive) {
  // Reproducible: names sorted, no times, owners or umask of this machine; xz single-threaded
  // (multi-threaded xz splits blocks differently).
  const tarball = execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=gnu', '--mode=u=rwX,go=rX', '-C', out, '-cf', '-', '.'], { maxBuffer: 1 << 30 });
  const compressed = execFileSync('xz', ['-T1', '-9e', '-c'], { input: tarball, maxBuffer: 1 << 30 });
  writeFileSync(resolve(values.archive), compressed);
  if (!values.out) rmSync(out, { recursive: true, force: true });
  console.error(`collect: ${values.archive}: ${compressed.length} bytes (${tarball.length} uncompressed)`);
}
