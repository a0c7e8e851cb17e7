/**
 * Layer rules of docs/architecture.md, checked in `npm test` (`depcruise`). Layers only point down:
 * entry files (main, bootstrap, app) on top; features; sync and notifications; slack, views;
 * store; pivotal and domain at the bottom. The sandbox stands for outside systems and never imports
 * the app's code, except its one boot file that starts the real app.
 *
 * Violations that existed when these rules were written are listed in
 * .dependency-cruiser-known-violations.json and reported as warnings until the refactor removes them;
 * any new one fails the run. Regenerate that list only when a violation is removed:
 * `npx depcruise src sandbox scripts --output-type baseline > .dependency-cruiser-known-violations.json`.
 */
// config.ts is not among them: it only parses the environment and imports nothing of the app, so the
// context below the features may carry its Config type; loading it stays with the entry files (rule below).
const ENTRY = '^src/(main|bootstrap|app)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes load order matter and hides which module owns what.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-entry-imports',
      severity: 'error',
      comment: 'Only main.ts and the sandbox boot may import the entry files (the composition root).',
      from: { pathNot: ['^src/main[.]ts$', '^src/bootstrap[.]ts$', '^src/app[.]ts$', '^sandbox/start-sandbox[.]ts$'] },
      to: { path: ENTRY },
    },
    {
      name: 'features-never-import-entry-files',
      severity: 'error',
      comment: 'A feature gets what it uses from bootstrap (features/index.ts), never by reaching up to it.',
      from: { path: '^src/features/' },
      to: { path: ENTRY },
    },
    {
      name: 'slack-never-imports-app',
      severity: 'error',
      comment: 'The receiver, router, registry, clients and error path are parts app.ts assembles, not its users.',
      from: { path: '^src/slack/' },
      to: { path: '^src/app[.]ts$' },
    },
    {
      name: 'config-loaded-by-entry-files',
      severity: 'error',
      comment: 'The environment is read once, at start-up; everything else gets it through the context.',
      from: { pathNot: ['^src/(main|bootstrap|context)[.]ts$', '^sandbox/start-sandbox[.]ts$'] },
      to: { path: '^src/config[.]ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'Pure rules depend on nothing of the app.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'pivotal-is-transport-only',
      severity: 'error',
      comment: 'The Pivotal client knows no Slack, no store and no feature.',
      from: { path: '^src/pivotal/' },
      to: { path: '^src/(slack|store|features|sync|notifications|views|webhooks)/' },
    },
    {
      name: 'store-below-slack-and-pivotal',
      severity: 'error',
      comment: 'The store keeps its own row types; it is not shaped by the wire or by Slack.',
      from: { path: '^src/store/' },
      to: { path: '^src/(pivotal|slack|features|sync|notifications|webhooks)/' },
    },
    {
      name: 'sql-only-in-store',
      severity: 'error',
      comment:
        'Every query, and every kysely type, stays in a src/store/ repository; callers get its functions and row types.',
      from: { pathNot: '^src/store/' },
      to: { path: '(^|/)node_modules/kysely/' },
    },
    {
      name: 'views-below-features-and-store',
      severity: 'error',
      comment:
        'The shared Block Kit kit is built from plain data: no feature, store, sync or notifications code. ' +
        '(It may use the Pivotal error classes: views/pivotal-errors.ts turns them into sentences.)',
      from: { path: '^src/views/' },
      to: { path: '^src/(features|store|sync|notifications)/' },
    },
    {
      name: 'sync-and-notifications-below-features',
      severity: 'error',
      comment: 'Background work serves the features; what it shares with them lives below both (views, domain).',
      from: { path: '^src/(sync|notifications)/' },
      to: { path: '^src/features/' },
    },
    {
      name: 'simulator-is-independent',
      severity: 'error',
      comment: 'The simulator stands for a server written from Pivotal documents: it never imports the app.',
      from: { path: '^sandbox/', pathNot: '^sandbox/start-sandbox[.]ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'no-test-code-in-app',
      severity: 'error',
      from: { path: '^(src|sandbox|scripts)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
