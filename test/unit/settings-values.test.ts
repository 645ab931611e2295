// "Blank means unset" is one rule (core/settings/values.ts) for the run and the submit settings:
// surrounding whitespace is dropped, a blank value is undefined, empty list items are dropped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRunSettings } from '../../core/remote/settings';
import { parseSubmitSettings } from '../../core/slurm/settings';
import { nonBlank, nonEmpty } from '../../core/settings/values';

const repo = join(__dirname, '..', '..');

describe('settings values: blank means unset', () => {
  it('nonBlank trims, and a blank value is unset', () => {
    assert.equal(nonBlank('  lumi \n'), 'lumi');
    assert.equal(nonBlank('~/venvs/a b'), '~/venvs/a b');
    assert.equal(nonBlank(' \t\n'), undefined);
    assert.equal(nonBlank(''), undefined);
    assert.deepEqual(nonEmpty(['a', '', ' ', 'b']), ['a', ' ', 'b']);
  });

  it('the run and the submit settings read their text values the same way', () => {
    const run = parseRunSettings({
      host: ' lumi ',
      venv: '~/venv ',
      cwd: '   ',
      preamble: 'export A=1\n',
      srun: { enable: true, account: ' project_465000000 ', partition: ' ' },
    });
    assert.equal(run.host, 'lumi');
    assert.equal(run.venv, '~/venv');
    assert.equal(run.cwd, undefined);
    assert.equal(run.preamble, 'export A=1');
    assert.equal(run.srun.account, 'project_465000000');
    assert.equal(run.srun.partition, undefined);
    const submit = parseSubmitSettings({ account: ' project_465000000 ', template: ' ' });
    assert.equal(submit.account, 'project_465000000');
    assert.equal(submit.template, undefined);
  });

  it('neither settings file has a rule of its own', () => {
    for (const file of ['core/remote/settings.ts', 'core/slurm/settings.ts']) {
      const text = readFileSync(join(repo, file), 'utf8');
      assert.doesNotMatch(text, /const nonBlank|function nonBlank|const nonEmpty|function nonEmpty/, file);
      assert.match(text, /from '\.\.\/settings\/values'/, file);
    }
  });
});
