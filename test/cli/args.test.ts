// The CLI's argument handling (node:util.parseArgs per subcommand), through the real bin:
// --help/-h and --version, usage errors exit 2, repeatable flags, `--`, dash-led values.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-cli-args-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Finding = { file: string; code: string; message: string };

describe('lumi-modules arguments', () => {
  it('--version prints the version of package.json', () => {
    const r = runCli(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `lumi-modules ${version}\n`);
  });

  it('--help and -h print usage on stdout and exit 0, for the CLI and each command', () => {
    for (const [args, usage] of [
      [['--help'], /usage: lumi-modules <command>[\s\S]*check[\s\S]*scaffold[\s\S]*run/],
      [['-h'], /usage: lumi-modules <command>/],
      [['check', '--help'], /usage: lumi-modules check/],
      [['check', '-h'], /usage: lumi-modules check/],
      [['scaffold', '-h'], /usage: lumi-modules scaffold/],
      [['run', '--help'], /usage: lumi-modules run/],
    ] as const) {
      const r = runCli([...args]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, usage);
    }
  });

  it('exits 2 with the reason on bad options', () => {
    for (const [args, reason] of [
      [['check', '--format'], /'--format <value>' argument missing/],
      [['check', '--format', 'json', '--format', 'text', '.'], /'--format' given twice/],
      [['check', '--no-shellcheck=yes', '.'], /'--no-shellcheck' does not take an argument/],
      [['check', '-x', '.'], /unknown option '-x'/i],
      [['scaffold', '--force=1'], /'--force' does not take an argument/],
      [['scaffold', '--name', 'a', 'extra'], /unexpected argument 'extra'/],
      [['run', '--module'], /'--module <value>' argument missing/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ] as const) {
      const r = runCli([...args], { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, reason, args.join(' '));
      // Worded by main() with the command's name: a UsageError thrown in a command's bundle
      // (dist/cli-*.js) is recognised by the entry bundle (dist/cli.js).
      if (args[0] !== 'frobnicate') assert.ok(r.stderr.startsWith(`lumi-modules ${args[0]}: `), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('repeats --env and takes paths after -- even when they start with a dash', () => {
    mkdirSync(join(dir, 'modules'), { recursive: true });
    const module = join(dir, 'modules', '-dash.lua');
    writeFileSync(
      module,
      `setenv('SING_IMAGE', pathJoin(os.getenv('A') or '/a', os.getenv('B') or '/b', 'x.sif'))\n`,
    );
    const r = runCli(
      [
        'check',
        '--format',
        'json',
        '--no-shellcheck',
        '--env',
        `A=${dir}/first`,
        '--env=B=second',
        '--',
        'modules/-dash.lua',
      ],
      { cwd: dir },
    );
    const findings = JSON.parse(r.stdout) as Finding[];
    assert.ok(findings.length > 0 && findings.every((f) => f.file === module), r.stdout + r.stderr);
    assert.ok(
      findings.some((f) => f.message.includes(`${dir}/first/second/x.sif`)),
      `both --env values were used: ${r.stdout}`,
    );
  });

  it('takes an option value that starts with a dash (--srun --account=...)', () => {
    // The value reaches --srun's own parsing (unterminated quote), so it was not read as an option.
    const r = runCli([
      'run',
      '--host',
      'lumi',
      '--srun',
      '--account=x --job-name="open',
      '--remote-script',
      '/x.py',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--srun: unterminated/);
  });
});
