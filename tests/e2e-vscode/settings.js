// Settings for the code-server under test: a quiet workbench (User settings), and what a remote window reads
// for the machine-scoped lambdaLeak settings (Machine settings: the Remote settings of code-server's window).
// argv[2]: "user" or "machine"; argv[3]: the plain Python (no lambda-leak installed) the extension runs;
// argv[4] (machine only): the importStrategy to start with.
'use strict';
const [scope, python, importStrategy] = process.argv.slice(2);
const user = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true, // otherwise an AI agent process starts
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.hover.delay': 300,
  'workbench.colorTheme': 'Default Dark Modern',
  'editor.fontSize': 15,
  'editor.minimap.enabled': false,
  // keep the Ctrl+. menu to our fixes (TypeScript's suggestions would add "Convert to ES module" etc.)
  'javascript.suggestionActions.enabled': false,
  // What a user who set it in User settings expects to apply; a remote window ignores it (machine scope).
  'lambdaLeak.interpreter': '/nowhere/in/a/remote/window/python3',
};
const machine = { 'lambdaLeak.interpreter': python };
if (importStrategy) machine['lambdaLeak.importStrategy'] = importStrategy;
process.stdout.write(JSON.stringify(scope === 'machine' ? machine : user, null, 2) + '\n');
