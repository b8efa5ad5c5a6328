import { parseDocument } from 'yaml';
import { LineageError } from '../errors';

/** Parse YAML text to plain data; syntax errors become one line naming the file and line. */
export function parseYaml(text: string, file: string, what: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new LineageError(`${what}: invalid YAML${line ? ` at line ${line}` : ''}: ${reason}`, file);
  }
  return doc.toJS();
}
