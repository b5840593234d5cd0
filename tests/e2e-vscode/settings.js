// User settings for the code-server under test: a quiet workbench, and the extension pointed at the
// project's own language server (argv[2]: the Python that has lambda_leak installed).
'use strict';
const python = process.argv[2];
const settings = {
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
  'lambdaLeak.interpreter': python,
};
process.stdout.write(JSON.stringify(settings, null, 2) + '\n');
