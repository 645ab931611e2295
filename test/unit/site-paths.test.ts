// Where paths are checked is decided by the module tree, not by the checking machine
// (core/analysis/modulefile/site.ts): each class of issue 25/26 by its smallest text. Optional
// MODULEPATH entries are proven against real Lmod (it loads a module whose entry does not exist).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, type FileSystemView } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { followLinks, projectHome, sitePrefix } from '../../core/analysis/modulefile/site';
import { walkPaths } from '../../core/analysis/project/walk';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { runModuleCommands } from '../helpers/lmod';

let home: string;
before(async () => {
  await initBashParser();
  home = mkdtempSync(join(tmpdir(), 'lumi-sitepaths-'));
  mkdirSync(join(home, 'modules', 'tool'), { recursive: true });
});
after(() => rmSync(home, { recursive: true, force: true }));

const moduleFile = () => join(home, 'modules', 'tool', '1.0.lua');
const analyze = (text: string, env = makeEnv({ processEnv: {} }), file = moduleFile()) =>
  analyzeModulefile(text, file, env).findings;
const codes = (text: string, env?: ReturnType<typeof makeEnv>) =>
  analyze(text, env).map((f) => `${f.code}: ${f.message}`);

/** A machine with only these directories (a laptop's /opt and /home, say). */
const machine = (dirs: string[]): FileSystemView => ({
  kind: (p) => (dirs.includes(p) ? 'dir' : 'missing'),
  readText: () => undefined,
  size: () => undefined,
  isExecutable: () => false,
  listDir: () => undefined,
});

describe('site prefixes', () => {
  it('a site installs one level below the root, two below /usr', () => {
    assert.equal(sitePrefix('/opt/bwhpc/common/cae/cgns/3.4.1/bin'), '/opt/bwhpc');
    assert.equal(sitePrefix('//cvmfs/soft.computecanada.ca/easybuild'), '/cvmfs/soft.computecanada.ca');
    assert.equal(sitePrefix('/usr/local/site/bin'), '/usr/local/site');
    assert.equal(sitePrefix('/appl'), '/appl');
    assert.equal(projectHome('/h/u/proj/bin/modules/pytorch/6.0.lua'), '/h/u/proj/bin');
    assert.equal(projectHome('/modules/x.lua'), undefined);
  });

  it("another site's path is not checked on a machine that merely has /opt", () => {
    assert.ok(existsSync('/opt') && !existsSync('/opt/bwhpc'), 'this test needs /opt without /opt/bwhpc');
    const found = codes(`prepend_path("PATH", "/opt/bwhpc/common/cae/cgns/3.4.1/bin")\n`);
    assert.deepEqual(found, ['paths-not-checked: paths under /opt/bwhpc not checked: not on this machine']);
  });

  it("LUMI's /opt/cray on a laptop likewise; a missing path of this machine's own site is reported", () => {
    const env = makeEnv({ processEnv: {}, fs: machine(['/opt', '/home', '/home/me']) });
    const text = `prepend_path("PATH", "/opt/cray/pe/bin")\nprepend_path("PATH", "/home/me/nobin")\n`;
    assert.deepEqual(codes(text, env).sort(), [
      'path-not-found: directory put on PATH does not exist on this machine: /home/me/nobin',
      'paths-not-checked: paths under /opt/cray not checked: not on this machine',
    ]);
  });

  it("the module's own project home is this machine's, whatever its depth", () => {
    const env = makeEnv({ processEnv: {}, fs: machine(['/proj', '/proj/modules']) });
    const found = analyzeModulefile(`prepend_path("PATH", "/proj/nobin")\n`, '/proj/modules/t/1.lua', env);
    assert.deepEqual(
      found.findings.map((f) => f.code),
      ['path-not-found'],
    );
  });

  it('a directory given with --env is where its site is, when it exists here', () => {
    const text = `local root = os.getenv("PROJHOME") or "/x"\nprepend_path("PATH", pathJoin(root, "a/bin"))\n`;
    const given = (fs: FileSystemView) =>
      analyzeModulefile(text, '/m/t/1.lua', makeEnv({ vars: { PROJHOME: '/given' }, fs })).findings.map(
        (f) => f.code,
      );
    assert.deepEqual(given(machine(['/given'])), ['path-not-found']);
    assert.deepEqual(given(machine([])), ['paths-not-checked']);
  });
});

describe('optional MODULEPATH entries', () => {
  const text = `prepend_path("MODULEPATH", pathJoin(os.getenv("HOME"), ".local/easybuild/modules/2020/Core"))\n`;

  it('Lmod loads a module whose MODULEPATH entry does not exist', () => {
    writeFileSync(moduleFile(), text);
    const r = runModuleCommands(
      [
        ['use', join(home, 'modules')],
        ['load', 'tool/1.0'],
      ],
      {},
      'module list 2>&1',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /tool\/1\.0/);
  });

  it('is never path-not-found', () => {
    const env = makeEnv({ vars: { HOME: home } });
    assert.deepEqual(
      analyze(text, env).filter((f) => f.code === 'path-not-found'),
      [],
    );
  });
});

describe('links into absent site roots', () => {
  it("a home's images/ link into /appl is not checked, like paths under /appl elsewhere", () => {
    assert.ok(!existsSync('/appl'), 'this test needs a machine without /appl');
    const proj = mkdtempSync(join(home, 'proj-'));
    mkdirSync(join(proj, 'modules', 'pt'), { recursive: true });
    symlinkSync('/appl/local/containers/sif-images', join(proj, 'images'));
    symlinkSync('sif', join(proj, 'ownimages')); // a link inside the home: its target is this machine's
    assert.equal(
      followLinks(join(proj, 'images', 'x.sif'), makeEnv({}).fs),
      '/appl/local/containers/sif-images/x.sif',
    );
    const text = (dir: string) => `setenv("SING_IMAGE", "${join(proj, dir, 'x.sif')}")\n`;
    const file = join(proj, 'modules', 'pt', '1.lua');
    const found = (dir: string) =>
      analyzeModulefile(text(dir), file, makeEnv({ processEnv: {} }))
        .findings.map((f) => f.code)
        .filter((c) => c.startsWith('path'));
    assert.deepEqual(found('images'), ['paths-not-checked']);
    assert.deepEqual(found('ownimages'), ['path-not-found']);
  });

  it('bin/git -> /cvmfs/... is not unreadable: noted once per site as not checked', () => {
    const tree = mkdtempSync(join(home, 'tree-'));
    mkdirSync(join(tree, 'bin'));
    symlinkSync('/cvmfs/soft.computecanada.ca/easybuild/software/git/bin/git', join(tree, 'bin', 'git'));
    symlinkSync('/cvmfs/soft.computecanada.ca/easybuild/software/git/bin/gitk', join(tree, 'bin', 'gitk'));
    symlinkSync(join(tree, 'gone'), join(tree, 'bin', 'broken'));
    const notes = walkPaths([tree], '/').notes.map(
      (n) => `${n.file.slice(tree.length)} ${n.code} ${n.message}`,
    );
    assert.deepEqual(notes, [
      '/bin/broken unreadable dangling symbolic link',
      '/bin/git paths-not-checked links into /cvmfs/soft.computecanada.ca not checked: not on this machine',
    ]);
  });
});
