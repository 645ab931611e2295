// The `lumiModules.*` settings in the editor, through the one schema (core/settings/schema.ts).
import * as vscode from 'vscode';
import { parseSettings, type LumiSettings } from '../core/settings/schema';

/** All `lumiModules.*` settings for `scope` (a file: its folder's settings); bad values: defaults. */
export function readSettings(scope?: vscode.Uri): LumiSettings {
  return parseSettings(vscode.workspace.getConfiguration(undefined, scope).get('lumiModules'));
}
