import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rule is part of the architecture: prove the lint config enforces it.
describe('lint boundaries', () => {
  const eslint = new ESLint({ cwd: `${__dirname}/..` });
  const source = "import * as vscode from 'vscode';\nexport const x = vscode;\n";

  it.each(['core/datasets/x.ts', 'language-server/x.ts', 'webview-ui/runs-table/x.ts', 'protocol/x.ts'])(
    '%s may not import vscode',
    async (filePath) => {
      const [result] = await eslint.lintText(source, { filePath });
      expect(result?.messages.map((m) => m.message)).toContainEqual(
        expect.stringContaining('core/, language-server/ and webview-ui/ must never import vscode.'),
      );
    },
  );

  it('extension/ may import vscode', async () => {
    const [result] = await eslint.lintText(source, { filePath: 'extension/x.ts' });
    expect(result?.messages).toEqual([]);
  });
});
