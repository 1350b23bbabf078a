-- After the docs' set-up has attached attnlens to the opened buffer: wait for diagnostics, ask for
-- code lenses, write what arrived as JSON to $ATTNLENS_OUT, quit.
local out = vim.env.ATTNLENS_OUT
local buf = vim.api.nvim_get_current_buf()
local got = vim.wait(tonumber(vim.env.ATTNLENS_WAIT_MS or '20000'), function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
local result = { attached = got, diagnostics = {}, clients = #vim.lsp.buf_get_clients(buf) }
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, severity = d.severity, code = d.code, source = d.source, message = d.message })
end
local lenses = vim.lsp.buf_request_sync(buf, 'textDocument/codeLens', { textDocument = vim.lsp.util.make_text_document_params() }, 5000)
result.lenses = 0
for _, r in pairs(lenses or {}) do result.lenses = result.lenses + #(r.result or {}) end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.cmd('qall!')
