// The simple lines of /.singularity.d/env/*.sh, interpreted without a shell: `export X=value`,
// `X=value; export X`, `export X Y`, with quotes and $VAR / ${VAR} / ${VAR:-word} / ${VAR-word}
// expanded from what is known so far. Anything else (if/case/for blocks, commands, command
// substitution) is skipped and counted: the values found are what the image sets plainly,
// which is how Docker's ENV lines and %environment exports are written.

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLOCK_OPEN = /^(if|case|for|while|until|function\b|\{|[A-Za-z_][A-Za-z0-9_]*\s*\(\s*\))/;
const BLOCK_CLOSE = /^(fi|esac|done|\})\b/;

/** Expands $VAR forms in a double-quoted or bare word; undefined when it cannot (`$(...)`). */
function expand(word: string, env: Record<string, string>): string | undefined {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === '\\' && i + 1 < word.length) {
      out += word[++i];
      continue;
    }
    if (c === '`') return undefined;
    if (c !== '$') {
      out += c;
      continue;
    }
    const rest = word.slice(i + 1);
    if (rest.startsWith('(')) return undefined;
    let m = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}/.exec(rest);
    if (m) {
      const value = env[m[1]];
      const empty = value === undefined || (m[2]?.startsWith(':') && value === '');
      if (m[2] && empty) {
        const fallback = expand(m[3], env);
        if (fallback === undefined) return undefined;
        out += fallback;
        if (m[2].endsWith('=')) env[m[1]] = fallback;
      } else out += value ?? '';
      i += m[0].length;
      continue;
    }
    m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (m) {
      out += env[m[0]] ?? '';
      i += m[0].length;
      continue;
    }
    if (rest.startsWith('{')) return undefined; // ${#X}, ${X%...}: not interpreted
    out += '$';
  }
  return out;
}

/** Splits a line into statements of words (quotes kept apart), or undefined for shapes not read. */
function words(line: string): { raw: string; quoted: 'single' | 'double' | 'none' }[][] | undefined {
  const statements: { raw: string; quoted: 'single' | 'double' | 'none' }[][] = [[]];
  // Each word is a list of parts; a part is expanded by its quoting.
  let parts: { raw: string; quoted: 'single' | 'double' | 'none' }[] = [];
  let current = '';
  let inWord = false;
  const flushPart = (quoted: 'single' | 'double' | 'none') => {
    if (current !== '' || quoted !== 'none') parts.push({ raw: current, quoted });
    current = '';
  };
  const flushWord = () => {
    flushPart('none');
    if (inWord) statements[statements.length - 1].push(...mergeParts(parts));
    parts = [];
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '#' && !inWord) break;
    if (c === ' ' || c === '\t') {
      flushWord();
      continue;
    }
    if (c === ';') {
      flushWord();
      statements.push([]);
      continue;
    }
    if (c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')') return undefined;
    inWord = true;
    if (c === "'") {
      flushPart('none');
      const end = line.indexOf("'", i + 1);
      if (end === -1) return undefined;
      current = line.slice(i + 1, end);
      flushPart('single');
      i = end;
      continue;
    }
    if (c === '"') {
      flushPart('none');
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) return undefined;
      current = line.slice(i + 1, j);
      flushPart('double');
      i = j;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      current += c + line[++i];
      continue;
    }
    current += c;
  }
  flushWord();
  return statements;
}

/** One word's parts as a single marked-up word: the parts joined with their quoting recorded. */
function mergeParts(parts: { raw: string; quoted: 'single' | 'double' | 'none' }[]) {
  return [{ raw: JSON.stringify(parts), quoted: 'none' as const }];
}

function wordValue(word: string, env: Record<string, string>): string | undefined {
  const parts = JSON.parse(word) as { raw: string; quoted: 'single' | 'double' | 'none' }[];
  let out = '';
  for (const p of parts) {
    if (p.quoted === 'single') out += p.raw;
    else {
      const v = expand(p.raw, env);
      if (v === undefined) return undefined;
      out += v;
    }
  }
  return out;
}

/** Splits NAME=value (the name from an unquoted first part). */
function assignment(word: string, env: Record<string, string>): { name: string; value?: string } | undefined {
  const parts = JSON.parse(word) as { raw: string; quoted: string }[];
  const first = parts[0];
  if (!first || first.quoted !== 'none') return undefined;
  const eq = first.raw.indexOf('=');
  const name = eq === -1 ? first.raw : first.raw.slice(0, eq);
  if (!NAME.test(name)) return undefined;
  if (eq === -1) return { name };
  const restParts = [{ ...first, raw: first.raw.slice(eq + 1) }, ...parts.slice(1)];
  return { name, value: wordValue(JSON.stringify(restParts), env) ?? '\0unknown' };
}

/** Applies the script's plain exports and assignments to ENV; returns how many lines it skipped. */
export function interpretEnvScript(script: string, env: Record<string, string>): { skipped: number } {
  let skipped = 0;
  let depth = 0;
  const shellOnly = new Map<string, string>(); // assigned, not (yet) exported
  for (const rawLine of script.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (BLOCK_CLOSE.test(line)) {
      depth = Math.max(0, depth - 1);
      skipped++;
      continue;
    }
    if (BLOCK_OPEN.test(line)) {
      if (!/\b(fi|done|esac)\s*;?\s*$|\}\s*;?\s*$/.test(line)) depth++;
      skipped++;
      continue;
    }
    if (depth > 0) {
      skipped++;
      continue;
    }
    const statements = words(line);
    if (!statements) {
      skipped++;
      continue;
    }
    for (const statement of statements) {
      if (statement.length === 0) continue;
      const head = JSON.parse(statement[0].raw) as { raw: string; quoted: string }[];
      const isExport = head.length === 1 && head[0].quoted === 'none' && head[0].raw === 'export';
      const targets = isExport ? statement.slice(1) : statement;
      const scope: Record<string, string> = { ...env, ...Object.fromEntries(shellOnly) };
      let interpreted = targets.length > 0;
      for (const word of targets) {
        const a = assignment(word.raw, scope);
        if (!a || (!isExport && a.value === undefined)) {
          interpreted = false;
          break;
        }
        if (a.value === '\0unknown') continue; // a value we cannot know: left as it was
        if (a.value !== undefined) {
          if (isExport || a.name in env) env[a.name] = a.value;
          else shellOnly.set(a.name, a.value);
          scope[a.name] = a.value;
        } else if (shellOnly.has(a.name)) env[a.name] = shellOnly.get(a.name)!;
      }
      if (!interpreted) skipped++;
    }
  }
  return { skipped };
}

/** An OCI config's Env list (["NAME=value", ...]) as a record. */
export function parseEnvList(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const eq = item.indexOf('=');
    if (eq > 0 && NAME.test(item.slice(0, eq))) out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
