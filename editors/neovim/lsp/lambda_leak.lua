---@brief
---
--- https://github.com/lambda-leak/lambda-leak
---
--- lambda-leak finds execution leaks in AWS Lambda handlers (async work a handler starts and
--- does not finish) and fixes them: "Add await", "Convert to async handler", fix-all.
---
--- Install the server with `pip install lambda-leak` (or `pipx install lambda-leak`), then copy
--- this file to `~/.config/nvim/lsp/lambda_leak.lua` (Neovim 0.11+) and call
--- `vim.lsp.enable('lambda_leak')`.
---
--- Settings mirror the config file (`select`, `ignore`, `severity`, `scope`, `handlerNames`,
--- `promiseFunctions`, `exclude`, `maxFileSize`) plus `run = "onType" | "onSave"` and
--- `logLevel`. A project's `lambda-leak.toml` wins; these fill in what it leaves open.

---@type vim.lsp.Config
return {
  cmd = { 'lambda-leak', 'server' },
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python' },
  root_markers = {
    'lambda-leak.toml',
    '.lambda-leak.toml',
    'template.yaml',
    'template.yml',
    'serverless.yml',
    'cdk.json',
    'package.json',
    'pyproject.toml',
    '.git',
  },
  settings = {
    lambdaLeak = {
      run = 'onType',
    },
  },
}
