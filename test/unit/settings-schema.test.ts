// One settings schema (core/settings/schema.ts): package.json declares exactly its settings, with
// the same types, defaults and allowed values; what a client sends is parsed leniently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  defaultSettings,
  parseSettings,
  parseSettingsReporting,
  settingsSchema,
} from '../../core/settings/schema';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const declared: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; [key: string]: unknown };

/** The schema's settings as VS Code names them: `lumiModules.run.srun.nodes` -> its JSON schema. */
function flatten(
  schema: JsonSchema,
  prefix: string,
  out: Record<string, JsonSchema> = {},
): Record<string, JsonSchema> {
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    if (value.type === 'object' && value.properties) flatten(value, `${prefix}${key}.`, out);
    else out[`${prefix}${key}`] = value;
  }
  return out;
}

const fromSchema = flatten(z.toJSONSchema(settingsSchema, { io: 'input' }) as JsonSchema, 'lumiModules.');
// What both sides must agree on; descriptions, scopes and zod's safe-integer `maximum` are not compared.
const COMPARED = [
  'type',
  'default',
  'enum',
  'minimum',
  'minLength',
  'items',
  'additionalProperties',
] as const;

function comparable(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of COMPARED) if (spec[key] !== undefined) out[key] = spec[key];
  return out;
}

describe('settings schema', () => {
  it('package.json declares the same settings as the schema, all under lumiModules.', () => {
    for (const key of Object.keys(declared)) assert.match(key, /^lumiModules\./);
    assert.deepEqual(Object.keys(declared).sort(), Object.keys(fromSchema).sort());
    assert.ok(Object.keys(fromSchema).length >= 20, 'the flattening found the settings');
  });

  for (const [key, spec] of Object.entries(fromSchema)) {
    it(`${key}: same type, default and allowed values`, () => {
      const expected = comparable(spec);
      assert.ok(declared[key], `${key} is declared in package.json`);
      assert.deepEqual(comparable(declared[key]), expected);
    });
  }

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

  it('takes the section itself or wrapped in { lumiModules }, and nothing else', () => {
    assert.equal(parseSettings({ lumiModules: { luaVersion: 'LuaJIT' } }).luaVersion, 'LuaJIT');
    assert.equal(parseSettings({ luaVersion: 'LuaJIT' }).luaVersion, 'LuaJIT');
    assert.deepEqual(parseSettings('x'), defaultSettings);
    assert.deepEqual(parseSettings([1, 2]), defaultSettings);
  });
});
