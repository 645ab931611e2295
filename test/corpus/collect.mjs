// Copies the real-world corpus out of local git clones of the repositories in sources.json into a
// corpus directory (not committed: the files are other people's). Run once on a machine that has
// the clones, then point the corpus test at the result:
//
//   node test/corpus/collect.mjs --clones DIR --out DIR
//
// DIR of clones holds one git directory per repository, found as DIR/<owner>+<name>/repo,
// DIR/<owner>+<name>, DIR/<owner>/<name> or DIR/<name> (bare or not). Each file keeps its
// repository path under OUT/<owner>/<name>/. EasyBuild easyconfigs contribute their Lua
// `modluafooter` as `<file>.footer.lua` and the scripts they install as `<file>.<variable>.sh`. OUT/MANIFEST.json lists every file with its source,
// commit, licence and SHA-256. Only git is run (read-only: ls-tree, show), never a shell.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { clones: { type: 'string' }, out: { type: 'string' } }, strict: true });
if (!values.clones || !values.out) {
  console.error('usage: node test/corpus/collect.mjs --clones DIR --out DIR');
  process.exit(2);
}
const sources = JSON.parse(execFileSync('cat', [new URL('./sources.json', import.meta.url).pathname], { encoding: 'utf8' })).sources;

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
 * The texts an easyconfig embeds: its Lua `modluafooter` and the scripts it installs
 * (`local_bin_* = """#!/bin/bash ..."""`, `local_runscript_*`), as name -> text. Python string
 * literals only: f-string `{{`/`}}` become braces, `{expr}` placeholders stay as written.
 */
function embeddedTexts(text) {
  const out = new Map();
  for (const m of text.matchAll(/^(\w+)\s*=\s*([fFrRuU]*)("""|''')([\s\S]*?)\3/gm)) {
    let body = m[4];
    if (/f/i.test(m[2])) body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    if (m[1] === 'modluafooter') out.set('footer.lua', body);
    else if (/^local_(bin|runscript)/.test(m[1]) && body.trimStart().startsWith('#!')) out.set(`${m[1]}.sh`, body.trimStart());
  }
  return out;
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
  const paths = git(dir, ['ls-tree', '-r', '--name-only', s.commit]).toString('utf8').split('\n').filter((p) => p && patterns.some((re) => re.test(p)));
  let count = 0;
  for (const path of paths) {
    const bytes = git(dir, ['show', `${s.commit}:${path}`]);
    const base = join(values.out, s.repo, path);
    const pieces = s.kind === 'easyconfig' ? [...embeddedTexts(bytes.toString('utf8'))].map(([suffix, text]) => [`${base}.${suffix}`, Buffer.from(text, 'utf8')]) : [[base, bytes]];
    for (const [outPath, content] of pieces) {
      mkdirSync(dirname(outPath), { recursive: true });
      writeFileSync(outPath, content, { mode: outPath.endsWith('.sh') || s.kind === 'wrapper' ? 0o755 : 0o644 });
      manifest.push({ file: outPath.slice(values.out.length + 1), repo: s.repo, commit: s.commit, path, licence: s.licence, sha256: createHash('sha256').update(content).digest('hex') });
      count++;
    }
  }
  console.error(`collect: ${s.repo}@${s.commit.slice(0, 7)}: ${count} files`);
}
writeFileSync(join(values.out, 'MANIFEST.json'), JSON.stringify(manifest, null, 1) + '\n');
console.error(`collect: ${manifest.length} files in ${values.out}`);
