-- Drives dist/server.js from Neovim (0.7+, headless) as a plain LSP client, for one file.
-- Run: nvim --headless -u NONE -i NONE -n -c 'luafile test/nvim/lsp_client.lua'
-- Input (environment): SERVER (path to dist/server.js), FILE, FILETYPE (may be empty),
--   EXPECT_CODE (wait until a diagnostic with this code arrives), HOVER_LINE, HOVER_CHAR
--   (0-based), OUT (where to write the JSON result).
-- Output: a JSON object in OUT with what Neovim received; test/nvim/run.mjs judges it.

local env = function(k, default)
  local v = os.getenv(k)
  if v == nil then return default end
  return v
end

local result = { diagnostics = {}, nvim_diagnostics = 0, hover = vim.NIL, error = vim.NIL, filetype = vim.NIL }

local function finish(code)
  local f = io.open(env('OUT'), 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit ' .. code) end
end

local function main()
  local server = env('SERVER')
  local file = env('FILE')
  local expect = env('EXPECT_CODE', '')
  vim.lsp.set_log_level('ERROR')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = env('FILETYPE', '')
  result.filetype = vim.bo[bufnr].filetype

  local seen = false
  local client_id = vim.lsp.start_client({
    name = 'conntrack-lens',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, res, ctx, config)
        vim.lsp.diagnostic.on_publish_diagnostics(err, res, ctx, config)
        if res and res.uri == vim.uri_from_bufnr(bufnr) then
          result.diagnostics = {}
          for _, d in ipairs(res.diagnostics) do
            table.insert(result.diagnostics, {
              line = d.range.start.line,
              character = d.range.start.character,
              code = d.code,
              severity = d.severity,
              source = d.source,
              message = d.message,
              href = d.codeDescription and d.codeDescription.href or vim.NIL,
            })
            if d.code == expect then seen = true end
          end
        end
      end,
    },
  })
  if not client_id then error('start_client failed') end
  vim.lsp.buf_attach_client(bufnr, client_id)

  if not vim.wait(15000, function() return seen end, 20) then
    error('no diagnostic with code ' .. expect .. ' arrived')
  end
  -- What Neovim itself made of them (vim.diagnostic), proving the payload was accepted.
  result.nvim_diagnostics = #vim.diagnostic.get(bufnr)

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = tonumber(env('HOVER_LINE', '0')), character = tonumber(env('HOVER_CHAR', '0')) },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 10000) or {}
  for _, r in pairs(responses) do
    if r.err then error('hover failed: ' .. vim.inspect(r.err)) end
    if r.result and r.result.contents then
      local c = r.result.contents
      if type(c) == 'table' then
        result.hover = { kind = c.kind or vim.NIL, value = c.value or vim.inspect(c) }
      else
        result.hover = { kind = vim.NIL, value = tostring(c) }
      end
    end
  end

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.client_is_stopped(client_id) end, 20)
end

local ok, err = pcall(main)
if not ok then
  result.error = tostring(err)
  finish(1)
else
  finish(0)
end
