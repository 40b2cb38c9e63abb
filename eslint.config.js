import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import ts from 'typescript-eslint';

/**
 * The layers the README promises, enforced (as VS Code's code-layering rule does): Electron only in
 * the files that wire the app to it; the renderer never reaches main or Node; shared imports only
 * shared. scripts/eslint-layers.test.ts proves each rule bites.
 */
const ELECTRON_WIRING = [
  'src/main/index.ts',
  'src/main/report-window.ts',
  'src/main/dialogs.ts',
  'src/main/menu.ts',
  'src/main/camera-access.ts',
];
const ONLY_WIRING_IMPORTS_ELECTRON = {
  name: 'electron',
  message: 'Only the Electron wiring (src/main/index.ts and its helpers) imports electron.',
};
/** Main's own layers: a lower one never reaches up (ML's core knows nothing of the ML process, its services or the CLI; storage nothing of ML). */
const mainLayer = (message, groups) => ({
  'no-restricted-imports': ['error', { paths: [ONLY_WIRING_IMPORTS_ELECTRON], patterns: [{ group: groups, message }] }],
});
const NODE_MODULES = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default ts.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'resources/', 'e2e/artifacts/', 'test-results/', '.cache/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ELECTRON_WIRING,
    rules: {
      'no-restricted-imports': ['error', { paths: [ONLY_WIRING_IMPORTS_ELECTRON] }],
    },
  },
  {
    files: ['src/main/ml/{data,models,training,evaluation,runtime}/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: mainLayer(
      "ML's core (data, models, training, evaluation, runtime) is used by the ML process, its services and the CLI, never the other way round.",
      ['**/host/**', '**/runs/**', '**/cli/**', '**/storage/**', '**/api/**'],
    ),
  },
  {
    files: ['src/main/storage/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: mainLayer('Storage is the one SQL owner, below ML and the API: it imports neither.', [
      '**/ml/**',
      '**/api/**',
    ]),
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...NODE_MODULES, 'electron'].map((name) => ({
            name,
            message: 'The renderer runs in a sandboxed page: no Node or Electron.',
          })),
          patterns: [
            {
              group: ['**/main/**', '**/main'],
              message: 'The renderer reaches main only through window.api (src/shared/api.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.svelte'],
    ignores: ['src/renderer/src/api.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'window',
          property: 'api',
          message: "Views call the contract through src/renderer/src/api.ts's `api`.",
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!\\./)', message: 'src/shared imports only src/shared: all three processes load it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*', 'e2e/support/page-bridge.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
);
