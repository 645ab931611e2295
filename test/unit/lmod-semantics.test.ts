// Lmod as it is: the functions of its sandboxes (modulefile and modulerc), site functions from a
// SitePackage.lua, which files are module files at all, severities, paths as Lmod sees them, the
// three container conventions, and messages that name what would resolve them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEnv, type AnalysisEnv } from '../../core/analysis/env';
import { analyzeModulefile } from '../../core/analysis/modulefile/analyze';
import { hoverModulefile } from '../../core/analysis/features/hover';
import { lmodFunctions, modulercFunctions } from '../../core/analysis/modulefile/lmodApi';
import { sandboxRegistrationNames } from '../../core/analysis/modulefile/sitePackage';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import type { Finding } from '../../core/analysis/types';
import { explanation } from '../../core/analysis/diagnosticDocs';

let home: string;
before(async () => {
  await initBashParser();
  home = mkdtempSync(join(tmpdir(), 'lumi-lmodsem-'));
  mkdirSync(join(home, 'modules', 'tool'), { recursive: true });
  mkdirSync(join(home, 'bin'));
});
after(() => rmSync(home, { recursive: true, force: true }));

const moduleFile = () => join(home, 'modules', 'tool', '1.0.lua');
function analyze(text: string, file = moduleFile(), env: AnalysisEnv = makeEnv({ processEnv: {} })) {
  return analyzeModulefile(text, file, env);
}
const found = (text: string, code: string, file?: string) =>
  analyze(text, file).findings.filter((f) => f.code === code);

/** The text with a finding's first fix applied (edits do not overlap). */
function applyFix(text: string, finding: Finding): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...finding.fixes![0].edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of edits)
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe("Lmod's sandbox functions", () => {
  it('knows what Lmod 8.7 gives modulefiles (mgrload, loaded_modules, userInGroup, lfs.mkdir, ...)', () => {
    const text = `mgrload(true, "gcc")\nlocal t = loaded_modules()\nif userInGroup("g") then lfs.mkdir("/tmp/x") end\nsetenv("N", #t .. posix.uname("%n") .. myConfig("x"))\ncolor_banner("red")\n`;
    assert.deepEqual(found(text, 'unknown-function'), []);
  });

  it('a Lua function outside the sandbox (error, setmetatable) is unknown: Lmod has no such global', () => {
    const f = found(`whatis("x")\nerror("stop")\n`, 'unknown-function');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
  });

  it("marks what Debian's Lmod 8.6 lacks", () => {
    assert.equal(lmodFunctions.get('depends_on_any')?.since, '8.7');
    assert.equal(lmodFunctions.get('setenv')?.since, undefined);
    assert.equal(modulercFunctions.get('hide')?.since, '8.7');
    assert.match(modulercFunctions.get('module_virtual')!.doc, /9\.2\.9 and later/);
  });

  it('wrong-arguments only where Lmod fails: atleast("b"), setenv{...} and setenv(t) are accepted', () => {
    assert.deepEqual(
      found(
        `load(atleast("b"))\nsetenv{"A", "b", modeA={"load"}}\nlocal t = {"V", "x"}\nsetenv(t)\nwhatis("a", "b")\n`,
        'wrong-arguments',
      ),
      [],
    );
    const f = found(`setenv("A")\n`, 'wrong-arguments');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
  });
});

describe('modulerc files', () => {
  const rc = () => join(home, 'modules', 'tool', '.modulerc.lua');
  it('.modulerc.lua and modulerc.lua are checked with the modulerc functions', () => {
    const text = `module_version("tool/1.0", "default")\nmodule_alias("t", "tool/1.0")\nhide_version("tool/0.9")\nhide_modulefile("/x/0.8.lua")\nhide{name="tool/0.7"}\nforbid{name="tool/0.6"}\nmodule_virtual("v", "tool/1.0")\nhideRegex{name="tool/0.*"}\n`;
    assert.deepEqual(found(text, 'unknown-function', rc()), []);
    assert.deepEqual(found(text, 'unknown-function', join(home, 'modules', 'modulerc.lua')), []);
    const inModulefile = found(`whatis("x")\nmodule_version("tool/1.0", "default")\n`, 'unknown-function');
    assert.equal(inModulefile.length, 1);
    assert.match(inModulefile[0].message, /modulerc function, not available in a modulefile/);
  });

  it('a modulefile function in a modulerc is an error; a rename never crosses the kinds', () => {
    const f = found(`setenv("A", "b")\n`, 'unknown-function', rc());
    assert.equal(f.length, 1);
    assert.match(f[0].message, /modulefile function, not available in a modulerc file/);
    const typo = found(
      `module_versoin("tool/1.0", "default")\nprepen_path("PATH", "/x")\n`,
      'unknown-function',
      rc(),
    );
    assert.deepEqual(
      typo.map((x) => x.fixes?.[0].edits[0].newText),
      ['module_version', undefined],
    );
    const inModulefile = found(`whatis("x")\nmodule_versoin("tool/1.0", "default")\n`, 'unknown-function');
    assert.notEqual(inModulefile[0].fixes?.[0].edits[0].newText, 'module_version');
  });

  it('a file calling modulerc functions only is a modulerc (a system modulerc under another name)', () => {
    assert.deepEqual(
      found(`hide_version("tool/0.9")\n`, 'unknown-function', join(home, 'modules', 'rc.d', '001.lua')),
      [],
    );
  });
});

describe('site functions', () => {
  it("knows LUMI's 19 registered functions and not the two that exist nowhere", () => {
    const lumi = [
      'get_hostname',
      'get_user_prefix_EasyBuild',
      'detect_LUMI_partition',
      'get_init_module_list',
      'get_CPE_component',
      'get_CPE_versions',
      'get_EasyBuild_version',
      'get_versionedfile',
      'get_motd',
      'get_fortune',
      'get_num_motd',
      'set_num_motd',
      'is_interactive',
      'is_LTS_LUMI_stack',
      'is_full_spider',
      'get_container_repository_root',
      'get_EB_container_repository',
      'get_SIF_file',
      'create_container_vars',
    ];
    assert.deepEqual(found(lumi.map((n) => `${n}()`).join('\n') + '\n', 'unknown-function'), []);
    assert.deepEqual(found(`get_container_dir()\nis_LUMI_partition()\n`, 'unknown-function').length, 2);
  });

  it("reads a site's SitePackage.lua for its sandbox_registration names, never running it", () => {
    const sp = `local function site_a() end\nfunction b() end\nos.exit(3)\nsandbox_registration{ site_a = site_a, ['site_b'] = b }\nsandbox_registration({ site_c = b })\n`;
    assert.deepEqual(sandboxRegistrationNames(sp), ['site_a', 'site_b', 'site_c']);
    const dir = join(home, 'lmod');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'SitePackage.lua'), sp);
    const text = `site_a()\nsite_b()\n`;
    assert.equal(found(text, 'unknown-function').length, 2);
    const viaOption = analyze(
      text,
      moduleFile(),
      makeEnv({ processEnv: {}, sitePackage: join(dir, 'SitePackage.lua') }),
    );
    assert.deepEqual(
      viaOption.findings.filter((f) => f.code === 'unknown-function'),
      [],
    );
    const viaLmodPackagePath = analyze(
      text,
      moduleFile(),
      makeEnv({ processEnv: { LMOD_PACKAGE_PATH: dir } }),
    );
    assert.deepEqual(
      viaLmodPackagePath.findings.filter((f) => f.code === 'unknown-function'),
      [],
    );
  });

  it('reads a SitePackage.lua whose tree nests deeper than the JS stack (a long a.b.b... chain)', () => {
    const sp = `local x = a${'.b'.repeat(200_000)}\nsandbox_registration{ site_deep = x }\n`;
    assert.deepEqual(sandboxRegistrationNames(sp), ['site_deep']);
  });
});

describe('which files are modulefiles; severities', () => {
  it('a Neovim init.lua gets nothing; the same code under modules/ or a MODULEPATH entry is checked', () => {
    const text = `vim.opt.number = true\nlocal unused = 1\nvim.keymap.set('n', 'x', 'y')\n`;
    const nvim = join(home, '.config', 'nvim', 'init.lua');
    assert.deepEqual(analyze(text, nvim).findings, []);
    assert.ok(analyze(text).findings.some((f) => f.code === 'undefined-variable'));
    const tree = join(home, 'tree');
    const env = makeEnv({ processEnv: { MODULEPATH: `/nonexistent:${tree}` } });
    assert.ok(analyze(text, join(tree, 'tool', '1.0.lua'), env).findings.length > 0);
  });

  it('a call to an undefined function is an error: Lmod refuses the file', () => {
    const f = found(`prepen_path("PATH", "/x")\n`, 'unknown-function');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
    assert.equal(applyFix(`prepen_path("PATH", "/x")\n`, f[0]), `prepend_path("PATH", "/x")\n`);
  });

  it('Lmod config files (SitePackage.lua, lmod_config.lua) are not modulefiles', () => {
    assert.deepEqual(
      analyze(
        `function f() masterTbl() end\nsandbox_registration{f = f}\n`,
        join(home, 'modules', 'SitePackage.lua'),
      ).findings,
      [],
    );
  });

  it('the real bugs stay found: LModError, an undefined local in a path, singRoot for signRoot', () => {
    assert.equal(found(`LModError("x")\n`, 'unknown-function')[0].fixes?.[0].edits[0].newText, 'LmodError');
    const a = analyze(`local signRoot = "/p"\nprepend_path("PATH", pathJoin(singRoot, "bin"))\n`);
    assert.match(a.findings.find((f) => f.code === 'undefined-variable')!.message, /'singRoot'.*'signRoot'/);
  });
});

describe('paths as Lmod sees them', () => {
  it('os.getenv(X) or fallback uses the fallback when X is unset', () => {
    const a = analyze(
      `local root = os.getenv("PROJHOME") or "${home}"\nprepend_path("PATH", pathJoin(root, "nobin"))\n`,
    );
    const f = a.findings.filter((x) => x.code === 'path-not-found');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /nobin/);
  });

  it('paths under absent site prefixes are not checked; one information finding names them', () => {
    const text = `prepend_path("PATH", "/project/p1/bin")\nprepend_path("PATH", "/appl/x/bin")\nprepend_path("MODULEPATH", "/project/p1/modules")\nprepend_path("PATH", "${home}/nonexistent-bin")\n`;
    const a = analyze(text);
    assert.deepEqual(
      a.findings.filter((f) => f.code === 'path-not-found').map((f) => f.message),
      [`directory put on PATH does not exist on this machine: ${home}/nonexistent-bin`],
    );
    const info = a.findings.filter((f) => f.code === 'paths-not-checked');
    assert.equal(info.length, 1);
    assert.equal(info[0].severity, 'information');
    assert.match(info[0].message, /^paths under \/appl\/x, \/project\/p1 not checked/);
  });

  it("a PATH value is split at ':' as Lmod does; '//x/y' has the site prefix /x/y", () => {
    const a = analyze(
      `prepend_path("PATH", "/usr/bin:${home}/nonexistent-bin")\nprepend_path("PATH", "//unknown/apps/bin/")\n`,
    );
    assert.deepEqual(
      a.findings.filter((f) => f.code === 'path-not-found').map((f) => f.message),
      [`directory put on PATH does not exist on this machine: ${home}/nonexistent-bin`],
    );
    assert.match(a.findings.find((f) => f.code === 'paths-not-checked')!.message, /\/unknown\/apps /);
  });
});

describe('container conventions', () => {
  it('a LUMI EasyBuild container module (create_container_vars) is that kind and needs no SING_IMAGE', () => {
    const text = `conflict( 'singularity-AI-bindings' )\ncreate_container_vars( 'pytorch.sif', 'PyTorch', '/appl/x', '/pfs,/scratch' )\nsetenv("CONTAINERROOT", "/appl/x")\nprepend_path("PATH", "/appl/x/bin")\n`;
    const a = analyze(text);
    assert.equal(a.containerKind, 'lumi-easybuild');
    assert.deepEqual(
      a.findings.filter((f) => f.code === 'missing-sing-image'),
      [],
    );
  });

  it('easybuild-container-bindings: an EasyBuild container module that also loads singularity-AI-bindings', () => {
    const base = `create_container_vars('p.sif', 'PyTorch', '/appl/x', '/pfs')\n`;
    const f = found(base + `depends_on("singularity-AI-bindings/24.03")\n`, 'easybuild-container-bindings');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.deepEqual(
      found(base + `conflict("singularity-AI-bindings")\n`, 'easybuild-container-bindings'),
      [],
    );
    assert.deepEqual(
      found(
        `setenv("SING_IMAGE", "/tmp/a.sif")\nload("singularity-AI-bindings")\n`,
        'easybuild-container-bindings',
      ),
      [],
      'CSC style: the bindings module is how it binds',
    );
  });

  it('laif-missing-bindings: a LAIF-style module (/opt/venv) that does not load lumi-aif-singularity-bindings; the fix adds it', () => {
    const text = `setenv("SIF", "/appl/local/laifs/containers/x.sif")\nsetenv("SINGULARITYENV_PREPEND_PATH", "/opt/venv/bin")\n`;
    const [f] = found(text, 'laif-missing-bindings');
    assert.equal(f.severity, 'warning');
    const fixed = applyFix(text, f);
    assert.match(fixed, /depends_on\("lumi-aif-singularity-bindings"\)\n$/);
    assert.equal(analyze(fixed).containerKind, 'laif');
    assert.deepEqual(found(fixed, 'laif-missing-bindings'), [], 'the fixed text adds no finding');
  });

  it('a string that contains .sif makes no container module', () => {
    const a = analyze(`help([[Run it with singularity exec my.sif python]])\nsetenv("X", "/tmp/a.sif")\n`);
    assert.equal(a.containerKind, undefined);
    assert.equal(a.isContainerModule, false);
  });

  it('LAIF and CSC-style modules are recognised; missing-sing-image only for CSC style', () => {
    assert.equal(
      analyze(`depends_on("lumi-aif-singularity-bindings")\nsetenv("SIF", "/appl/local/laifs/x.sif")\n`)
        .containerKind,
      'laif',
    );
    const csc = analyze(`setenv("WITH_CONDA", "source /opt/conda/etc/profile.d/conda.sh")\n`);
    assert.equal(csc.containerKind, 'csc');
    assert.ok(csc.findings.some((f) => f.code === 'missing-sing-image'));
  });

  it('hover on a container module call names the kind', () => {
    const text = `create_container_vars('p.sif', 'PyTorch', '/appl/x')\n`;
    const h = hoverModulefile(analyze(text), { line: 0, character: 3 });
    assert.match(h!.markdown, /LUMI EasyBuild container module/);
  });
});

describe('messages that name what would resolve them', () => {
  it('unused-local is silent on a table used through a method', () => {
    assert.deepEqual(found(`local m = {}\nm.go('x')\n`, 'unused-local'), []);
    assert.equal(found(`local unusedThing = 1\nwhatis("x")\n`, 'unused-local').length, 1);
  });

  it('getenv-no-fallback names the variable and what fails, and offers no silent fallback', () => {
    const text = `setenv("A", os.getenv('PROJHOME') .. '/x')\n`;
    const [f] = found(text, 'getenv-no-fallback');
    assert.match(f.message, /os\.getenv\('PROJHOME'\)/);
    assert.match(f.message, /is nil when unset: '\.\.' stops the load/);
    assert.match(explanation('getenv-no-fallback'), /lumiModules\.env/);
    assert.match(explanation('getenv-no-fallback'), /--env/);
    // `or ''` would turn the loud failure into the silently wrong path '/x'.
    assert.equal(f.fixes, undefined);
  });

  it("hover on os.getenv('PROJHOME') or '...' shows the fallback and names PROJHOME and lumiModules.env", () => {
    const text = `local d = os.getenv('PROJHOME') or '/tmp'\nprepend_path("PATH", pathJoin(d, "bin"))\n`;
    const h = hoverModulefile(analyze(text), { line: 1, character: 30 });
    assert.match(h!.markdown, /`\/tmp\/bin`/);
    assert.match(h!.markdown, /`PROJHOME`.*lumiModules\.env/s);
  });

  it('hover shows a value read from the process environment as $NAME, one given in lumiModules.env as itself', () => {
    const text = `local d = os.getenv('DEPLOY_TOKEN') or '/tmp'\nprepend_path("PATH", pathJoin(d, "bin"))\n`;
    const token = '/ghp_notARealToken4711';
    const fromProcess = analyze(text, moduleFile(), makeEnv({ processEnv: { DEPLOY_TOKEN: token } }));
    const h = hoverModulefile(fromProcess, { line: 1, character: 30 });
    assert.match(h!.markdown, /`\$DEPLOY_TOKEN\/bin`/);
    assert.ok(!h!.markdown.includes('ghp_'), h!.markdown);
    const given = analyze(text, moduleFile(), makeEnv({ processEnv: {}, vars: { DEPLOY_TOKEN: token } }));
    assert.match(
      hoverModulefile(given, { line: 1, character: 30 })!.markdown,
      /`\/ghp_notARealToken4711\/bin`/,
    );
  });

  it('hover on an unresolved path names the variable and the lumiModules.env setting', () => {
    const text = `local d = os.getenv('PROJHOME') .. '/x'\nprepend_path("PATH", pathJoin(d, "bin"))\n`;
    const a = analyze(text);
    const h = hoverModulefile(a, { line: 1, character: 30 });
    assert.match(h!.markdown, /PROJHOME/);
    assert.match(h!.markdown, /lumiModules\.env/);
  });
});

describe('completion by file kind', () => {
  it('a modulerc file is offered the modulerc functions, a modulefile the modulefile ones', async () => {
    const { completeModulefile } = await import('../../core/analysis/features/completion');
    const labels = (file: string) =>
      completeModulefile('mo', 2, file, makeEnv({ processEnv: {} }), []).map((c) => c.label);
    const rc = labels(join(home, 'modules', 'tool', '.modulerc.lua'));
    assert.ok(rc.includes('module_version') && !rc.includes('setenv'), rc.join(' '));
    const mf = labels(moduleFile());
    assert.ok(
      mf.includes('setenv') && !mf.includes('module_version'),
      'no modulerc function offered in a modulefile',
    );
  });
});
