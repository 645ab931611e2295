// `lumi-modules check` configuration and output contracts: .lumi-modules.json, inline suppression,
// --max-warnings, --format sarif, and output errors (closed pipe, full disk). The bundled CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cli';

let dir: string;
const WARNING_MODULE = "setenv('CC', compilerName)\n"; // one warning: undefined-variable
const ERROR_MODULE =
  "local root = '/nonexistent'\nprepend_path('PATH', pathJoin(root, 'bin'))\nsetenv('WITH_CONDA', 'true')\n"; // missing-sing-image

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

type JsonFinding = {
  file: string;
  code: string;
  severity: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
};
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as JsonFinding[];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-cli-config-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('check: .lumi-modules.json', () => {
  it('turns a code off and changes a severity, from the nearest file above each checked file', () => {
    const root = project({
      'modules/a/1.lua': ERROR_MODULE,
      'modules/b/1.lua': WARNING_MODULE,
      '.lumi-modules.json': JSON.stringify({ severity: { 'missing-sing-image': 'off' } }),
      'modules/b/.lumi-modules.json': JSON.stringify({ severity: { 'undefined-variable': 'error' } }),
    });
    const r = runCli(['check', '--format', 'json', 'modules'], { cwd: root });
    const findings = json(r);
    assert.ok(!findings.some((f) => f.code === 'missing-sing-image'), r.stdout);
    assert.equal(findings.find((f) => f.code === 'undefined-variable')?.severity, 'error');
    assert.equal(r.code, 1, 'the upgraded finding is an error');
    rmSync(join(root, 'modules/b/.lumi-modules.json'));
    const relaxed = runCli(['check', '--format', 'json', 'modules'], { cwd: root });
    assert.equal(relaxed.code, 0, relaxed.stdout);
    assert.equal(json(relaxed).find((f) => f.code === 'undefined-variable')?.severity, 'warning');
  });

  it('a malformed file: one line naming it, exit 2', () => {
    const root = project({
      'm.lua': WARNING_MODULE,
      '.lumi-modules.json': '{"severity": {"undefined-variable": "loud"}}',
    });
    const r = runCli(['check', 'm.lua'], { cwd: root });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /\.lumi-modules\.json.*loud/);
  });
});

describe('check: inline suppression', () => {
  it('-- lumi-modules: ignore CODE suppresses on the line and the next; unused ones are hints', () => {
    const root = project({
      'm.lua': `-- lumi-modules: ignore undefined-variable\n${WARNING_MODULE}setenv('CC', 'gcc') -- lumi-modules: ignore unused-local\n`,
    });
    const findings = json(runCli(['check', '--format', 'json', 'm.lua'], { cwd: root }));
    assert.deepEqual(
      findings.map((f) => `${f.range.start.line}:${f.severity}:${f.code}`),
      ['2:hint:unused-suppression'],
    );
  });
});

describe('check --max-warnings', () => {
  it('exits 1 with more warnings than N, 0 within; a bad N is usage', () => {
    const root = project({ 'a.lua': WARNING_MODULE, 'b.lua': WARNING_MODULE });
    assert.equal(runCli(['check', 'a.lua', 'b.lua'], { cwd: root }).code, 0);
    assert.equal(runCli(['check', '--max-warnings', '2', 'a.lua', 'b.lua'], { cwd: root }).code, 0);
    const over = runCli(['check', '--max-warnings', '1', 'a.lua', 'b.lua'], { cwd: root });
    assert.equal(over.code, 1);
    assert.match(over.stderr, /2 warnings, more than --max-warnings 1/);
    assert.equal(runCli(['check', '--max-warnings=0', 'a.lua'], { cwd: root }).code, 1);
    for (const bad of ['-1', 'x', '1.5'])
      assert.equal(runCli(['check', '--max-warnings', bad, 'a.lua'], { cwd: root }).code, 2, bad);
  });
});

describe('check --format json', () => {
  it('each element is exactly { file, range: { start, end: { line, character } }, severity, code, message }, also where a finding has fixes', () => {
    // missing-sing-image carries a quick fix; ShellCheck's SC2086 has its own.
    const wrapper =
      '#!/bin/bash\nif [ -z "${SING_IMAGE:-}" ]; then exit 1; fi\nif [ -d /.singularity.d ]; then exec python "$@"; fi\nexec singularity exec $SING_IMAGE python "$@"\n';
    const root = project({ 'modules/a/1.lua': ERROR_MODULE, 'bin/python': wrapper });
    const findings = JSON.parse(runCli(['check', '--format', 'json', '.'], { cwd: root }).stdout) as Record<
      string,
      unknown
    >[];
    const codes = findings.map((f) => f.code);
    for (const code of ['SC2086', 'missing-sing-image'])
      assert.ok(codes.includes(code), `${code} in ${codes}`);
    for (const f of findings) {
      assert.deepEqual(Object.keys(f), ['file', 'range', 'severity', 'code', 'message'], JSON.stringify(f));
      const range = f.range as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(range), ['start', 'end']);
      for (const end of [range.start, range.end]) assert.deepEqual(Object.keys(end), ['line', 'character']);
    }
  });
});

describe('check --format sarif', () => {
  it("is SARIF 2.1.0 with the schema's required fields, one run, a rule per code used", () => {
    const root = project({ 'modules/a/1.lua': ERROR_MODULE, 'modules/b/1.lua': WARNING_MODULE });
    const r = runCli(['check', '--format', 'sarif', 'modules'], { cwd: root });
    assert.equal(r.code, 1, 'exit status as with the other formats');
    const log = JSON.parse(r.stdout);
    const plain = json(runCli(['check', '--format', 'json', 'modules'], { cwd: root }));
    // sarif-schema-2.1.0.json: sarifLog requires version and runs; run requires tool; tool requires
    // driver; toolComponent requires name; reportingDescriptor requires id; result requires message;
    // message requires text (or id); region lines/columns are >= 1.
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'lumi-modules');
    assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+/);
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.deepEqual(ruleIds, [...new Set(plain.map((f) => f.code))].sort());
    assert.equal(run.results.length, plain.length);
    for (const [i, result] of run.results.entries()) {
      const f = plain[i];
      assert.equal(result.ruleId, f.code);
      assert.equal(ruleIds[result.ruleIndex], f.code);
      assert.equal(typeof result.message.text, 'string');
      assert.equal(
        result.level,
        { error: 'error', warning: 'warning', information: 'note', hint: 'note' }[f.severity],
      );
      const loc = result.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(
        new URL(loc.artifactLocation.uri, run.originalUriBaseIds['%SRCROOT%'].uri).pathname,
        f.file,
      );
      assert.deepEqual(loc.region, {
        startLine: f.range.start.line + 1,
        startColumn: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
      });
    }
  });
});

describe('check: output errors', () => {
  const sh = (script: string) =>
    spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PROJHOME: '' } });
  let big: string;
  before(() => {
    // More output than a pipe buffer holds, so the reader is gone while we still write.
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`m${i}.lua`] = WARNING_MODULE;
    big = project(files);
  });

  it('a closed pipe (check | head -1) ends quietly: no stack trace, exit 141, never 1', () => {
    const r = sh(`node '${CLI}' check '${big}' | head -1; echo "status \${PIPESTATUS[0]}" >&2`);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
    assert.match(r.stderr, /^status 141\n$/);
  });

  it('a full disk (/dev/full) is one line on stderr and exit 2, for check and for usage output', () => {
    for (const args of [
      `check '${big}'`,
      `check --format json '${big}'`,
      '--help',
      'check --help',
      'scaffold --help',
    ]) {
      const r = sh(`node '${CLI}' ${args} > /dev/full; echo "status $?"`);
      assert.match(r.stdout, /^status 2\n$/, args);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args}: ${r.stderr}`);
      assert.match(r.stderr, /^lumi-modules: cannot write output: ENOSPC/);
    }
  });
});
