// The batch job script (templates + quoting), the template choice by partition, account
// validation, exit-code mapping and the demultiplexing of the follow stream.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EventDemux, jobExitCode } from '../../core/slurm/jobs';
import {
  accountProblem,
  buildJobScript,
  bundledTemplate,
  partitionOf,
  SubmitInputError,
  type SubmitSpec,
} from '../../core/slurm/jobScript';
import { seededRandom } from '../helpers/random';
import { WEIRD_ARGS } from '../helpers/weirdArgs';

const spec = (over: Partial<SubmitSpec> = {}): SubmitSpec => ({
  modulePaths: [],
  modules: [],
  sbatch: [],
  srun: [],
  script: '/scratch/p/train.py',
  args: [],
  ...over,
});

describe('batch job script', () => {
  it('LUMI-G defaults by default; LUMI-C (no GPUs) for a partition not ending in -g', () => {
    const g = buildJobScript(spec());
    assert.match(g, /^#!\/bin\/bash -l\n/);
    for (const line of [
      '#SBATCH --partition=small-g',
      '#SBATCH --gpus-per-node=1',
      '#SBATCH --cpus-per-task=7',
      '#SBATCH --time=00:30:00',
    ])
      assert.ok(g.includes(`\n${line}\n`), line);
    assert.match(g, /MIOPEN_USER_DB_PATH=.*\/tmp\//);
    assert.match(g, /\nsrun python \/scratch\/p\/train.py\n$/);
    for (const words of [['--partition=small'], ['-p', 'standard'], ['-psmall']]) {
      const c = buildJobScript(spec({ sbatch: words }));
      assert.match(c, /#SBATCH --partition=small\n/);
      assert.doesNotMatch(c, /gpus/);
    }
    assert.match(bundledTemplate(['--partition=small', '-p', 'dev-g']), /slurm-lumi-g\.sh$/);
    assert.equal(partitionOf(['--partition', 'a', '--partition=b']), 'b');
  });

  it('#SBATCH lines stay before the first command, whatever the values', () => {
    const s = buildJobScript(
      spec({
        account: 'project_465000001',
        preamble: 'export A=1\n#SBATCH --time=99:00:00',
        modulePaths: ['~/mods'],
        modules: ['m/1'],
        venv: '~/v',
      }),
    );
    const lines = s.split('\n');
    const firstCommand = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && !l.startsWith('#'));
    assert.ok(lines.indexOf('#SBATCH --account=project_465000001') < firstCommand);
    assert.ok(lines.indexOf('export A=1') === firstCommand, 'the preamble is the first command');
    assert.ok(
      lines.indexOf('#SBATCH --time=99:00:00') > firstCommand,
      'a preamble line cannot add sbatch options',
    );
    assert.ok(s.indexOf('module use "$HOME"/mods') < s.indexOf('module load -- m/1'));
    assert.ok(s.indexOf('module load -- m/1') < s.indexOf('source "$HOME"/v/bin/activate'));
  });

  it('script path, arguments and srun words reach srun as exactly those bytes (run by a real bash)', () => {
    const random = seededRandom(16);
    const dir = mkdtempSync(join(tmpdir(), 'lumi-jobscript-'));
    try {
      const args = [
        ...WEIRD_ARGS,
        ...Array.from({ length: 20 }, () =>
          String.fromCharCode(...Array.from({ length: 6 }, () => 1 + Math.floor(random() * 126))),
        ),
      ];
      const text = buildJobScript(
        spec({ script: join(dir, "it's $(x).py"), args, srun: ['--job-name=a b', "'q'"] }),
      );
      // srun and python replaced by functions that print their arguments NUL-separated.
      const file = join(dir, 'job.sh');
      writeFileSync(
        file,
        text.replace(
          '#!/bin/bash -l\n',
          '#!/bin/bash\nsrun() { printf "%s\\0" srun "$@"; }\npython() { printf "%s\\0" "$@"; }\n',
        ),
      );
      const r = spawnSync('bash', [file], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\0').slice(0, -1), [
        'srun',
        '--job-name=a b',
        "'q'",
        'python',
        join(dir, "it's $(x).py"),
        ...args,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the account from the setting must be project_ and nine digits', () => {
    assert.equal(accountProblem('project_465000000'), undefined);
    for (const bad of [
      'project_46500000',
      'project_4650000000',
      'Project_465000000',
      'project_465000000\n#SBATCH --x',
      '465000000',
      '',
    ]) {
      assert.match(accountProblem(bad) ?? '', /not a LUMI project account/, bad);
      assert.throws(() => buildJobScript(spec({ account: bad })), SubmitInputError);
    }
  });

  it('a user template with an unknown placeholder or no #! is refused with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-jobtemplate-'));
    try {
      writeFileSync(join(dir, 'a.sh'), '#!/bin/bash\n{{nope}}\n');
      writeFileSync(join(dir, 'b.sh'), 'srun python {{script}}\n');
      writeFileSync(join(dir, 'c.sh'), '#!/bin/bash -l\n#SBATCH -p small-g\npython {{script}}{{args}}\n');
      assert.throws(
        () => buildJobScript(spec({ template: join(dir, 'a.sh') })),
        /a\.sh: unknown placeholder \{\{nope\}\}/,
      );
      assert.throws(
        () => buildJobScript(spec({ template: join(dir, 'b.sh') })),
        /b\.sh: a job script must start with #!/,
      );
      assert.equal(
        buildJobScript(spec({ template: join(dir, 'c.sh'), args: ['a b'] })),
        "#!/bin/bash -l\n#SBATCH -p small-g\npython /scratch/p/train.py 'a b'\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('follow stream', () => {
  it('exit codes as a shell reports them', () => {
    assert.equal(jobExitCode('COMPLETED', '0:0'), 0);
    assert.equal(jobExitCode('FAILED', '3:0'), 3);
    assert.equal(jobExitCode('CANCELLED', '0:15'), 143);
    assert.equal(jobExitCode('NODE_FAIL', '0:0'), 1);
    assert.equal(jobExitCode('TIMEOUT', ''), 1);
  });

  it('events are taken out of the stderr bytes wherever the chunks are cut', () => {
    const nonce = 'abc123';
    const stream = Buffer.concat([
      Buffer.from('partial line without newline '),
      Buffer.from(`\x1e${nonce}\x1fstate\x1fRUNNING\x1fNone\x1fnid[1-2]\n`),
      Buffer.from('rest\n\x1e not an event \x1e'),
      Buffer.from(`\x1e${nonce}\x1fend\x1fFAILED\x1f3:0\n`),
      Buffer.from('äöü tail'),
    ]);
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const data: Buffer[] = [];
      const records: string[][] = [];
      const demux = new EventDemux(
        nonce,
        (c) => data.push(Buffer.from(c)),
        (f) => records.push(f),
      );
      for (let i = 0; i < stream.length;) {
        const n = 1 + Math.floor(random() * 12);
        demux.push(stream.subarray(i, i + n));
        i += n;
      }
      demux.flush();
      assert.equal(
        Buffer.concat(data).toString('utf8'),
        'partial line without newline rest\n\x1e not an event \x1eäöü tail',
      );
      assert.deepEqual(records, [
        ['state', 'RUNNING', 'None', 'nid[1-2]'],
        ['end', 'FAILED', '3:0'],
      ]);
    }
  });
});

describe('submit settings', () => {
  it('map to a SubmitSpec; an account in the sbatch options wins; a bad account setting is named', async () => {
    const { parseSubmitSettings, submitSettingsProblem, submitSpecFromSettings } =
      await import('../../core/slurm/settings');
    const { parseRunSettings } = await import('../../core/remote/settings');
    const run = parseRunSettings({ host: 'lumi', modules: ['m/1'], venv: '~/v', args: ['a b'] });
    const s = parseSubmitSettings({
      account: ' project_465000001 ',
      sbatchOptions: ['--time=1:00:00', 7],
      srunOptions: ['--ntasks=2'],
    });
    assert.deepEqual(submitSpecFromSettings(run, s, '/r/x.py'), {
      modulePaths: [],
      modules: ['m/1'],
      venv: '~/v',
      cwd: undefined,
      preamble: undefined,
      sbatch: ['--time=1:00:00'],
      srun: ['--ntasks=2'],
      account: 'project_465000001',
      template: undefined,
      script: '/r/x.py',
      args: ['a b'],
    });
    for (const w of [['-A', 'project_1'], ['--account=project_1'], ['-Aproject_1']])
      assert.equal(submitSpecFromSettings(run, { ...s, sbatchOptions: w }, '/x.py').account, undefined);
    assert.match(
      submitSettingsProblem(parseSubmitSettings({ account: 'project_12' })) ?? '',
      /^lumiModules\.submit\.account: 'project_12' is not a LUMI project account/,
    );
    assert.equal(submitSettingsProblem(parseSubmitSettings({})), undefined);
  });
});
