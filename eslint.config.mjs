// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'vscode', message: 'core/, language-server/ and webview-ui/ must never import vscode.' },
      ],
      patterns: [
        {
          group: ['**/extension/**', '**/extension'],
          message: 'Only extension/ may depend on extension code.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', '.demo/**'] },
  js.configs.recommended,
  { files: ['**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'No default exports.' },
      ],
    },
  },
  { files: ['test/**'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // Tool configs must default-export.
  { files: ['vitest*.config.ts', 'eslint.config.mjs'], rules: { 'no-restricted-syntax': 'off' } },
  { files: ['core/**', 'language-server/**', 'protocol/**'], rules: noVscode },
  { files: ['webview-ui/**'], languageOptions: { globals: { ...globals.browser } }, rules: noVscode },
);
