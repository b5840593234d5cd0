-- A real Neovim session: attach lambda-leak (the shipped editors/neovim config) to a callback
-- handler, wait for its diagnostic, apply "Convert to async handler", and check the buffer.
-- Run: nvim --headless --clean -l convert_to_async.lua <repo root> <handler.js>
local repo, file = arg[1], arg[2]
local function fail(message)
  io.stderr:write('FAIL: ' .. message .. '\n')
  os.exit(1)
end

vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
vim.cmd('filetype on')
vim.lsp.enable('lambda_leak')
vim.cmd.edit(file)
local buf = vim.api.nvim_get_current_buf()

local client
if not vim.wait(20000, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'lambda_leak' })[1]
  return client ~= nil and client.initialized
end, 50) then
  fail('lambda_leak did not attach (filetype: ' .. vim.bo[buf].filetype .. ')')
end

local function leaks()
  return vim.diagnostic.get(buf, { namespace = nil })
end
if not vim.wait(20000, function() return #leaks() > 0 end, 50) then
  fail('no diagnostics arrived')
end
local diagnostic = leaks()[1]
if diagnostic.code ~= 'callback-handler' or diagnostic.source ~= 'lambda-leak' then
  fail('unexpected diagnostic: ' .. vim.inspect(diagnostic))
end

-- Ask for code actions at the diagnostic, sending it back with its data, as `vim.lsp.buf.code_action` does.
local lsp_diagnostic = diagnostic.user_data and diagnostic.user_data.lsp
if not lsp_diagnostic then
  fail('diagnostic carries no LSP data')
end
local params = {
  textDocument = vim.lsp.util.make_text_document_params(buf),
  range = lsp_diagnostic.range,
  context = { diagnostics = { lsp_diagnostic }, only = { 'quickfix' } },
}
local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 20000) or {}
local chosen
for _, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    if action.title == 'Convert to async handler' then
      chosen = action
    end
  end
end
if not chosen then
  fail('no "Convert to async handler" action in ' .. vim.inspect(responses))
end
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)

local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
if not text:find('exports.handler = async (event, context) => {', 1, true) then
  fail('handler not converted:\n' .. text)
end
if text:find('callback', 1, true) then
  fail('callback still used:\n' .. text)
end
if not vim.wait(20000, function() return #leaks() == 0 end, 50) then
  fail('diagnostic still present after the fix: ' .. vim.inspect(leaks()))
end
io.stdout:write('OK ' .. client.offset_encoding .. '\n' .. text .. '\n')
vim.cmd('qa!')
