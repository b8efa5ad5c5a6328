import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parse as parseYamlScalar } from 'yaml';
import { isErrnoCode, LineageError } from '../errors';
import type { Repo } from '../repo';
import { parseYaml } from '../util/yaml';
import { flatten, type ParamValue } from './metrics';

export type Params = Record<string, ParamValue>;

/**
 * Read params files (repo-relative; YAML, JSON or TOML by extension) and flatten them to dotted
 * keys (`optimizer.lr`). Later files win on equal keys. Lists are kept as one JSON value.
 */
export async function readParamsFiles(repo: Repo, files: string[]): Promise<Params> {
  const params: Params = {};
  for (const rel of files) {
    const file = path.resolve(repo.root, rel);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) throw new LineageError('params file not found', file);
      throw err;
    }
    Object.assign(params, flattenParams(parseParamsText(text, file), file));
  }
  return params;
}

/** Parse one params file's text by its extension. */
export function parseParamsText(text: string, file: string): unknown {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new LineageError(`params file: invalid JSON: ${(err as Error).message}`, file);
    }
  }
  if (ext === '.toml') {
    try {
      return parseToml(text);
    } catch (err) {
      const where = err instanceof TomlError ? ` at line ${err.line}` : '';
      const reason = (err as Error).message.split('\n')[0];
      throw new LineageError(`params file: invalid TOML${where}: ${reason}`, file);
    }
  }
  if (ext === '.yaml' || ext === '.yml') return parseYaml(text, file, 'params file');
  throw new LineageError('params file: unknown format (use .yaml, .yml, .json or .toml)', file);
}

/** Flatten a parsed params document to dotted keys; its top level must be a mapping. */
export function flattenParams(doc: unknown, file: string): Params {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new LineageError('params file: the top level must be a mapping of names to values', file);
  }
  const out: Params = {};
  for (const [key, value] of flatten(doc, '', '.')) out[key] = paramValue(value);
  return out;
}

/** A scalar as is; lists, dates and the like as their JSON text. */
export function paramValue(value: unknown): ParamValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/**
 * `--set key=value` overrides: the value is read as a YAML scalar, so `lr=0.01` is a number,
 * `aug=true` a boolean and `name=resnet` a string (quote it to force a string: `tag='1.0'`).
 */
export function parseOverrides(items: string[]): Params {
  const out: Params = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq).trim();
    if (eq <= 0 || key === '') throw new LineageError(`--set ${item}: expected key=value`);
    const text = item.slice(eq + 1);
    let value: unknown;
    try {
      value = text.trim() === '' ? '' : parseYamlScalar(text);
    } catch {
      value = text;
    }
    out[key] = paramValue(value);
  }
  return out;
}
