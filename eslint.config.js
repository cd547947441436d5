// Lint rules that encode the house rules (reference/style.md §5-6): promise safety, type-only
// imports, kebab-case files, and process.env read only by src/config.ts. Import cycles are
// checked by scripts/check-cycles.ts (part of `npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)*$/;

/** Files and folders are kebab-case (`prompt-cache.ts`, `research.job.ts`). */
const kebabFiles = {
  meta: { type: 'suggestion', schema: [], messages: { bad: 'File name "{{name}}" must be kebab-case.' } },
  create(context) {
    return {
      Program(node) {
        const name = context.filename.split(/[\\/]/).pop() ?? '';
        if (!KEBAB.test(name)) context.report({ node, messageId: 'bad', data: { name } });
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['scratch/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { bookrun: { rules: { 'kebab-files': kebabFiles } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'bookrun/kebab-files': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/config.ts (loadConfig) and pass it in.',
        },
        { selector: 'ExportAllDeclaration', message: 'No `export *`: export names explicitly.' },
      ],
    },
  },
  {
    // The config module and the CLI entry are the only readers of process.env.
    files: ['src/config.ts', 'src/cli/context.ts', 'scripts/**', 'test/support/**', 'test/faults/**', 'test/e2e/support/**', 'vitest.config.ts', 'vitest.faults.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
