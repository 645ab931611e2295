// "Blank means unset" is one rule (core/settings/schema.ts: unsetIfBlank, nonEmptyItems) for the
// run and the submit settings: surrounding whitespace is dropped, a blank value is undefined, empty
// list items are dropped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRunSettings } from '../../core/remote/settings';
import { parseSubmitSettings } from '../../core/slurm/settings';
import { nonEmptyItems, unsetIfBlank } from '../../core/settings/schema';

const repo = join(__dirname, '..', '..');

describe('settings values: blank means unset', () => {
  it('unsetIfBlank trims, and a blank value is unset', () => {
    assert.equal(unsetIfBlank('  lumi \n'), 'lumi');
    assert.equal(unsetIfBlank('~/venvs/a b'), '~/venvs/a b');
    assert.equal(unsetIfBlank(' \t\n'), undefined);
    assert.equal(unsetIfBlank(''), undefined);
    assert.deepEqual(nonEmptyItems(['a', '', ' ', 'b']), ['a', ' ', 'b']);
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
      assert.doesNotMatch(text, /function unsetIfBlank|function nonEmptyItems|\.trim\(\)/, file);
      assert.match(text, /import \{[^}]*unsetIfBlank[^}]*\} from '\.\.\/settings\/schema'/, file);
    }
  });
});
