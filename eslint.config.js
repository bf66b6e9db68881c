import neostandard, { plugins } from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', '.tap/**', 'docs/research/**'] }),
  {
    files: ['**/*.ts'],
    plugins: { '@typescript-eslint': plugins['typescript-eslint'].plugin },
    rules: { '@typescript-eslint/no-explicit-any': 'error' }
  },
  {
    // Long strings, template literals, regular expressions and URLs stay whole (split, they read worse and
    // grep worse); comments wrap like code.
    rules: {
      '@stylistic/max-len': ['error', {
        code: 120,
        ignoreUrls: true,
        ignoreStrings: true,
        ignoreTemplateLiterals: true,
        ignoreRegExpLiterals: true
      }]
    }
  },
  {
    // TypeBox's idiom: a schema and its Static<> type share one name.
    files: ['contracts/**/*.ts', 'config/config-schema.ts', 'config/peer-schema.ts'],
    rules: { '@typescript-eslint/no-redeclare': 'off' }
  }
]
