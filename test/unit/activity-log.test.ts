// The output channel's lines for runs and batch jobs (client/activityLog.ts, a pure formatter: the
// client itself is only reachable in e2e): where, what, which modules, how it ended; one line each,
// whatever a file name holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  jobEndLine,
  jobSubmitFailedLine,
  jobSubmittedLine,
  runEndLine,
  runStartLine,
} from '../../client/activityLog';

describe('activity log lines', () => {
  it('say where a run starts, with which file and modules, and how it ends', () => {
    const run = { file: '/home/u/proj/train.py', host: 'lumi' };
    assert.equal(
      runStartLine({ ...run, modules: ['pytorch/2.4', 'extra'], srun: true }),
      'run started: /home/u/proj/train.py on lumi with modules pytorch/2.4, extra, srun',
    );
    assert.equal(
      runStartLine({ file: 'a.py', host: undefined, modules: [], srun: false }),
      'run started: a.py on this LUMI node with no module',
    );
    assert.equal(
      runEndLine(run, { exitCode: 3, stopped: false }),
      'run ended: /home/u/proj/train.py on lumi, exit code 3',
    );
    assert.equal(
      runEndLine(run, { exitCode: 130, stopped: true }),
      'run ended: /home/u/proj/train.py on lumi, exit code 130 (stopped)',
    );
    assert.equal(
      runEndLine(run, { error: 'host key refused' }),
      'run ended: /home/u/proj/train.py on lumi, failed: host key refused',
    );
  });
  it('say which job was submitted and its final state', () => {
    assert.equal(
      jobSubmittedLine({ jobId: '4242', file: '/p/job.py', host: 'lumi', modules: ['tool/1.0'] }),
      'job 4242 submitted: /p/job.py on lumi with module tool/1.0',
    );
    assert.equal(
      jobEndLine({ jobId: '4242', host: 'lumi' }, 'COMPLETED', 0),
      'job 4242 on lumi: COMPLETED, exit code 0',
    );
    assert.equal(
      jobEndLine({ jobId: '4242_1', host: undefined }, 'DISCONNECTED'),
      'job 4242_1 on this LUMI node: DISCONNECTED',
    );
    assert.equal(
      jobSubmitFailedLine({ file: '/p/job.py', host: 'lumi' }, 'sbatch: error: invalid account'),
      'job not submitted: /p/job.py on lumi: sbatch: error: invalid account',
    );
  });
  it('stay one line whatever a name holds', () => {
    const line = runStartLine({
      file: '/p/a\nrun ended: fake\x1b[2J.py',
      host: 'lumi',
      modules: [],
      srun: false,
    });
    assert.equal(line.split('\n').length, 1);
    assert.ok(!line.includes('\x1b'), line);
    assert.equal(jobEndLine({ jobId: '1', host: 'h\r\nx' }, 'FAILED', 1).split(/[\r\n]/).length, 1);
  });
});
