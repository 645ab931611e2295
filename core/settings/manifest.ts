// What package.json and docs/settings.md say of the settings, written from the one declaration in
// ./schema.ts (as rust-analyzer's editors/code writes its package.json from its config): the
// `contributes.configuration` properties (type, default, allowed values, description, scope, in
// declaration order), `capabilities.untrustedWorkspaces.restrictedConfigurations`, and the settings
// table. scripts/gen-manifest.mjs writes or checks the files; test/unit/settings-schema.test.ts
// compares the committed ones. Pure: no file is read here.
import { z } from 'zod';
import { settingLeaves, type SettingLeaf } from './schema';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const SETTINGS_PREFIX = 'lumiModules.';

/** The keywords of zod's JSON schema that package.json carries; any other one stops the generator. */
const CARRIED = [
  'type',
  'propertyNames',
  'items',
  'additionalProperties',
  'enum',
  'minimum',
  'minLength',
  'pattern',
];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** zod's JSON schema of one value, without its bookkeeping (the draft, z.int()'s safe-integer bounds). */
function jsonSchemaOf(schema: z.ZodType, key: string): JsonObject {
  const json = z.toJSONSchema(schema, { io: 'input' }) as JsonObject;
  delete json.$schema;
  const tidy = (node: JsonObject): JsonObject => {
    const out: JsonObject = {};
    for (const [name, value] of Object.entries(node)) {
      if ((name === 'maximum' || name === 'minimum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER)
        continue;
      if (name === 'default') continue;
      if (!CARRIED.includes(name))
        throw new Error(`${SETTINGS_PREFIX}${key}: zod gives '${name}', which the manifest does not carry`);
      out[name] = isObject(value) ? tidy(value) : value;
    }
    // A record's keys: only a constraint beyond "a string" is worth saying.
    if (isObject(out.propertyNames) && Object.keys(out.propertyNames).join() === 'type')
      delete out.propertyNames;
    return out;
  };
  return { ...tidy(json), default: json.default };
}

/** The node of a setting's schema that holds its allowed values: itself, its items or its values. */
function enumHolder(json: JsonObject): JsonObject | undefined {
  for (const node of [json, json.items, json.additionalProperties])
    if (isObject(node) && Array.isArray(node.enum)) return node;
  return undefined;
}

/** The same keys in a fixed order (the order package.json shows). */
function ordered(node: JsonObject, order: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const name of order) if (node[name] !== undefined) out[name] = node[name];
  for (const [name, value] of Object.entries(node)) if (!(name in out)) out[name] = value;
  return out;
}

const PROPERTY_ORDER = [
  'type',
  'propertyNames',
  'items',
  'additionalProperties',
  'enum',
  'markdownEnumDescriptions',
  'minimum',
  'minLength',
  'pattern',
  'patternErrorMessage',
  'default',
  'scope',
  'order',
  'markdownDescription',
];

/**
 * One `contributes.configuration.properties` entry; `order` is its place in the declaration, so that
 * the Settings editor shows the settings as the schema groups them (else alphabetically).
 */
export function manifestProperty(leaf: SettingLeaf, order?: number): JsonObject {
  const name = SETTINGS_PREFIX + leaf.key;
  const doc = leaf.doc;
  if (!doc) throw new Error(`${name}: no description in core/settings/schema.ts (declare it with setting())`);
  const json = jsonSchemaOf(leaf.schema, leaf.key);
  const holder = enumHolder(json);
  if (holder) {
    const values = holder.enum as Json[];
    if (doc.markdownEnumDescriptions?.length !== values.length)
      throw new Error(`${name}: ${values.length} allowed values need as many markdownEnumDescriptions`);
    holder.markdownEnumDescriptions = [...doc.markdownEnumDescriptions];
    Object.assign(holder, ordered(holder, PROPERTY_ORDER));
  } else if (doc.markdownEnumDescriptions) {
    throw new Error(`${name}: markdownEnumDescriptions without allowed values`);
  }
  if (doc.editorPattern) {
    json.pattern = doc.editorPattern.pattern;
    json.patternErrorMessage = doc.editorPattern.message;
  }
  json.scope = doc.scope;
  if (order !== undefined) json.order = order;
  json.markdownDescription = doc.markdownDescription;
  return ordered(json, PROPERTY_ORDER);
}

/** package.json's `contributes.configuration.properties`, in declaration order. */
export function manifestProperties(
  leaves: readonly SettingLeaf[] = settingLeaves,
): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  leaves.forEach((leaf, i) => (out[SETTINGS_PREFIX + leaf.key] = manifestProperty(leaf, i + 1)));
  return out;
}

/** `capabilities.untrustedWorkspaces.restrictedConfigurations`: every restricted setting. */
export function restrictedConfigurations(leaves: readonly SettingLeaf[] = settingLeaves): string[] {
  return leaves.filter((leaf) => leaf.doc?.restricted).map((leaf) => SETTINGS_PREFIX + leaf.key);
}

/**
 * package.json's text with the two generated fields written from the schema; every other field
 * stays as it is (package.json is written as JSON.stringify(..., 2) gives it, Prettier's format
 * for package.json).
 */
export function manifestWithSettings(packageJson: string): string {
  const manifest = JSON.parse(packageJson) as JsonObject;
  const configuration = isObject(manifest.contributes) ? manifest.contributes.configuration : undefined;
  const capabilities = isObject(manifest.capabilities)
    ? manifest.capabilities.untrustedWorkspaces
    : undefined;
  if (!isObject(configuration) || !isObject(capabilities))
    throw new Error('package.json: contributes.configuration or capabilities.untrustedWorkspaces missing');
  configuration.properties = manifestProperties();
  capabilities.restrictedConfigurations = restrictedConfigurations();
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export const TABLE_START =
  '<!-- settings table: written from core/settings/schema.ts by `npm run generate`; edit it there -->';
export const TABLE_END = '<!-- end of settings table -->';

function defaultText(value: Json): string {
  if (value === '') return '';
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function whereText(leaf: SettingLeaf): string {
  if (leaf.doc?.userLevelOnly) return 'user settings only';
  if (leaf.doc?.restricted) return "user settings; a folder's when trusted";
  return 'user or folder settings';
}

/** docs/settings.md's table: every setting with its default, where it is read from and its description. */
export function settingsTable(leaves: readonly SettingLeaf[] = settingLeaves): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = leaves.map((leaf) => {
    const property = manifestProperty(leaf);
    return [
      `\`${SETTINGS_PREFIX}${leaf.key}\``,
      defaultText(property.default),
      whereText(leaf),
      cell(leaf.doc!.markdownDescription),
    ];
  });
  return [['setting', 'default', 'read from', ''], ['---', '---', '---', '---'], ...rows]
    .map((row) => `| ${row.join(' | ')} |`.replace(/ {2}\|/g, ' |'))
    .join('\n');
}

/** docs/settings.md's text with the table between its markers written from the schema. */
export function docsWithSettingsTable(markdown: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`docs/settings.md: the markers ${TABLE_START} ... ${TABLE_END} are missing`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n${settingsTable()}\n${markdown.slice(end)}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function pathTo(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Where `actual` first differs from `expected` (the field's path and both values), or undefined.
 * Objects differ in their keys' order too: package.json lists the settings in declaration order.
 */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  const at = path || '(top)';
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      if (i >= actual.length) return `${pathTo(path, i)}: missing, expected ${shown(expected[i])}`;
      if (i >= expected.length) return `${pathTo(path, i)}: ${shown(actual[i])} is not in the schema`;
      const difference = firstDifference(expected[i], actual[i], pathTo(path, i));
      if (difference) return difference;
    }
    return undefined;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of Object.keys(expected))
      if (!(key in actual)) return `${pathTo(path, key)}: missing, expected ${shown(expected[key])}`;
    for (const key of Object.keys(actual))
      if (!(key in expected)) return `${pathTo(path, key)}: ${shown(actual[key])} is not in the schema`;
    const expectedOrder = Object.keys(expected);
    const actualOrder = Object.keys(actual);
    const i = expectedOrder.findIndex((key, n) => actualOrder[n] !== key);
    if (i >= 0) {
      const place = i === 0 ? 'first' : `after ${shown(expectedOrder[i - 1])}`;
      return `${pathTo(path, expectedOrder[i])}: out of order (the schema puts it ${place})`;
    }
    for (const key of expectedOrder) {
      const difference = firstDifference(expected[key], actual[key], pathTo(path, key));
      if (difference) return difference;
    }
    return undefined;
  }
  if (Object.is(expected, actual)) return undefined;
  return `${at}: ${shown(actual)}, the schema gives ${shown(expected)}`;
}
