// Wrapper analysis: each rule fires on a broken variant of a correct wrapper (with the right
// range), stays silent on the correct one, and its quick fix gives text that passes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { makeEnv } from '../../core/analysis/env';
import type { Finding } from '../../core/analysis/types';
import { analyzeWrapper } from '../../core/analysis/wrapper/analyze';
import { isShellScript, mayBeScript, shellOfShebang } from '../../core/analysis/wrapper/shebang';
import { wrapperFacts } from '../../core/analysis/wrapper/facts';
import { initBashParser } from '../../core/analysis/wrapper/parser';
import { runShellcheck, shellcheckColumnToCharacter } from '../../core/analysis/wrapper/shellcheck';

const fixtures = join(__dirname, '..', 'fixtures', 'wrappers');
// The scaffold's wrapper template is the reference correct wrapper.
const GOOD = readFileSync(join(__dirname, '..', '..', 'templates', 'wrapper.sh'), 'utf8');
const env = makeEnv({ processEnv: {}, shellcheck: { enabled: true, path: 'shellcheck' } });

function analyze(text: string, modulesSettingWithConda: string[] = []) {
  return analyzeWrapper(text, '/p/bin/python', { modulesSettingWithConda });
}
const codes = (text: string, withConda: string[] = []) =>
  analyze(text, withConda).findings.map((f) => f.code);

function applyFix(text: string, finding: Finding): string {
  return TextDocument.applyEdits(
    TextDocument.create('file:///w', 'shellscript', 1, text),
    finding.fixes![0].edits,
  );
}

function replaceOnce(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture contains ${from}`);
  return text.replace(from, to);
}

before(() => initBashParser());

describe('wrapper rules', () => {
  it('are silent on the correct wrapper, also when the module sets WITH_CONDA', async () => {
    assert.deepEqual(analyze(GOOD, ['m.lua']).findings, []);
    assert.deepEqual(await runShellcheck(GOOD, env), [], 'ShellCheck-clean too');
  });

  it('wrapper-no-sing-image-check, and its fix adds a guard that passes', () => {
    const broken = replaceOnce(GOOD, 'if [ -z "${SING_IMAGE:-}" ]; then', 'if false; then');
    const f = analyze(broken).findings.find((x) => x.code === 'wrapper-no-sing-image-check')!;
    assert.equal(f.severity, 'warning');
    assert.deepEqual(
      codes(applyFix(broken, f)).filter((c) => c === 'wrapper-no-sing-image-check'),
      [],
    );
  });

  it('wrapper-unquoted-args on $@ and "$*" with the argument range; fix quotes it', () => {
    const broken = replaceOnce(GOOD, 'exec -a "$0" "$cmd" "$@"', 'exec -a "$0" "$cmd" $@');
    const f = analyze(broken).findings.find((x) => x.code === 'wrapper-unquoted-args')!;
    assert.equal(f.severity, 'error');
    const line = broken.split('\n')[f.range.start.line];
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '$@');
    assert.ok(!codes(applyFix(broken, f)).includes('wrapper-unquoted-args'));
    assert.ok(
      codes(replaceOnce(GOOD, 'exec -a "$0" "$cmd" "$@"', 'exec -a "$0" "$cmd" "$*"')).includes(
        'wrapper-unquoted-args',
      ),
    );
    assert.ok(
      !codes(
        '#!/bin/bash\nargs=$(printf \' %q\' "$@")\n[ -n "$SING_IMAGE" ] && exec singularity exec "$SING_IMAGE" python\n',
      ).includes('wrapper-unquoted-args'),
      'printf \' %q\' "$@" is the idiom',
    );
  });

  it('wrapper-no-container-check without a /.singularity.d branch', () => {
    const broken = replaceOnce(
      GOOD,
      'if [ -d /.singularity.d ] || [ -n "${SINGULARITY_CONTAINER:-}" ] || [ -n "${APPTAINER_CONTAINER:-}" ]; then',
      'if false; then',
    );
    const f = analyze(broken).findings.find((x) => x.code === 'wrapper-no-container-check')!;
    assert.equal(f.severity, 'warning');
    assert.match(broken.split('\n')[f.range.start.line], /exec "\$runtime" exec/);
  });

  it('wrapper-no-with-conda: module sets it and the wrapper ignores it; or double-quoted bash -c', () => {
    const ignoring = GOOD.replace(/eval "\$\{?WITH_CONDA(:-)?\}?"/g, 'true');
    const stripped = ignoring.replace(/.*WITH_CONDA.*\n/g, '');
    assert.ok(codes(stripped, ['modules/m/1.0.lua']).includes('wrapper-no-with-conda'));
    assert.ok(!codes(stripped, []).includes('wrapper-no-with-conda'));
    // A bin/ shared by every version of a tool: the message names the first module, counts the
    // rest, and stays within the Problems panel's 100 characters.
    const owners = Array.from({ length: 10_000 }, (_, i) => `/p/modules/tool/${i}.lua`);
    const shared = analyze(stripped, owners).findings.find((f) => f.code === 'wrapper-no-with-conda')!;
    assert.match(
      shared.message,
      /^WITH_CONDA is set but this wrapper never applies it; set by: \/p\/modules\/tool\/0\./,
    );
    assert.match(shared.message, /9,997 more modules$/);
    assert.ok(shared.message.length <= 100, shared.message);
    assert.match(
      analyze(stripped, owners.slice(0, 2)).findings.find((f) => f.code === 'wrapper-no-with-conda')!.message,
      /^WITH_CONDA is set but this wrapper never applies it; set by: \/p\/modules\/tool\/0\..*tool\/1\.lua$/,
    );
    const broken = readFileSync(join(fixtures, 'csc-style-broken.sh'), 'utf8');
    const all = codes(broken);
    for (const code of [
      'wrapper-no-sing-image-check',
      'wrapper-unquoted-args',
      'wrapper-no-container-check',
      'wrapper-no-with-conda',
      'wrapper-no-venv',
    ]) {
      assert.ok(all.includes(code), `${code} in ${all}`);
    }
  });

  it('wrapper-no-venv (information) when VIRTUAL_ENV is not carried in', () => {
    const broken = GOOD.replace(/.*VIRTUAL_ENV.*\n/g, '');
    const f = analyze(broken).findings.find((x) => x.code === 'wrapper-no-venv')!;
    assert.equal(f.severity, 'information');
  });

  it('facts: container wrapper, WITH_CONDA use, comments ignored; other scripts get nothing', () => {
    // The template applies WITH_CONDA only when set (${WITH_CONDA:-}): it does not need one.
    assert.deepEqual(wrapperFacts(GOOD), {
      isContainerWrapper: true,
      usesWithConda: false,
      appliesWithConda: true,
      containerPaths: [],
    });
    assert.deepEqual(
      wrapperFacts(
        GOOD.replace('eval "${WITH_CONDA:-}" # unset or empty: no conda step', 'eval "$WITH_CONDA"'),
      ),
      { isContainerWrapper: true, usesWithConda: true, appliesWithConda: true, containerPaths: [] },
    );
    assert.deepEqual(wrapperFacts('#!/bin/bash\n# singularity $WITH_CONDA\necho hi $@\n'), {
      isContainerWrapper: false,
      usesWithConda: false,
      appliesWithConda: false,
      containerPaths: [],
    });
    assert.deepEqual(analyze('#!/bin/bash\necho $@\n').findings, []);
    assert.equal(isShellScript('#!/usr/bin/env bash\n'), true);
    assert.equal(isShellScript('#!/usr/bin/python3\n'), false);
  });
});

describe('script recognition by the first bytes', () => {
  it('names the shell of a shebang, directly or through env, and nothing else', () => {
    const cases: [string, string | undefined][] = [
      ['#!/bin/bash\n', 'bash'],
      ['#! /bin/sh -e\n', 'sh'],
      ['#!/usr/bin/env bash\n', 'bash'],
      ['#!/bin/env sh\r\n', 'sh'],
      ['#!/usr/local/bin/bash\n', 'bash'],
      ['#!/bin/dash\n', 'dash'],
      ['#!/usr/bin/env ksh\n', 'ksh'],
      ['#!/usr/bin/python3\n', undefined],
      ['#!/bin/zsh\n', undefined],
      ['#!/bin/bash5\n', undefined],
      ['#!/usr/bin/env -S bash -e\n', 'bash'],
      ['#!/usr/bin/env LC_ALL=C python3\n', undefined],
      ['echo "#!/bin/bash"\n', undefined],
      ['', undefined],
    ];
    assert.deepEqual(
      cases.map(([head]) => [head, shellOfShebang(head)]),
      cases,
    );
  });

  it('takes text whose #! names a shell, or executable text without #!, as a possible script, never binary data', () => {
    const never = () => assert.fail('executable bit not needed when there is a shebang');
    assert.equal(mayBeScript(Buffer.from('#!/bin/bash\n'), never), true);
    assert.equal(
      mayBeScript(Buffer.from('#!/usr/bin/env python3\nimport os\n'), () => true),
      false,
      'python3 runs it, executable or not: no shell script',
    );
    assert.equal(
      mayBeScript(Buffer.from('echo hi\n'), () => true),
      true,
      'an executable text file without shebang',
    );
    assert.equal(
      mayBeScript(Buffer.from('echo hi\n'), () => false),
      false,
    );
    assert.equal(
      mayBeScript(Buffer.from('#!\0ELF'), () => true),
      false,
      'a NUL byte: binary',
    );
    assert.equal(
      mayBeScript(Buffer.alloc(0), () => true),
      false,
      'an empty file',
    );
  });
});

describe('ShellCheck integration', () => {
  it('maps ShellCheck columns after a tab and a multi-byte character', async () => {
    const text = '#!/bin/bash\n\tx="é😀"; echo "$x" $1\n';
    const findings = await runShellcheck(text, env);
    const sc2086 = findings.find((f) => f.code === 'SC2086')!;
    assert.ok(sc2086, JSON.stringify(findings));
    const line = text.split('\n')[1];
    assert.equal(line.slice(sc2086.range.start.character, sc2086.range.end.character), '$1');
    assert.equal(sc2086.severity, 'information');
    assert.equal(shellcheckColumnToCharacter('\t😀b', 3), 3, 'the emoji is two UTF-16 units');
  });

  it("offers ShellCheck's own fix as a quick fix, and applying it clears the finding", async () => {
    const text = '#!/bin/bash\n\tx="é😀"; echo "$x" $1\n';
    const fix = (await runShellcheck(text, env)).find((f) => f.code === 'SC2086')?.fixes?.[0];
    assert.ok(fix, 'SC2086 has no fix');
    const lines = text.split('\n');
    // Apply the edits from the end so earlier ranges stay valid.
    for (const e of [...fix.edits].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    )) {
      const l = lines[e.range.start.line];
      lines[e.range.start.line] =
        l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    const fixed = lines.join('\n');
    assert.equal(fixed.split('\n')[1], '\tx="é😀"; echo "$x" "$1"');
    assert.equal((await runShellcheck(fixed, env)).filter((f) => f.code === 'SC2086').length, 0);
  });

  it('returns nothing when disabled or not installed', async () => {
    const text = '#!/bin/bash\necho $1\n';
    assert.deepEqual(
      await runShellcheck(text, makeEnv({ shellcheck: { enabled: false, path: 'shellcheck' } })),
      [],
    );
    assert.deepEqual(
      await runShellcheck(text, makeEnv({ shellcheck: { enabled: true, path: '/nonexistent/shellcheck' } })),
      [],
    );
  });
});
