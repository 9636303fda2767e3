-- Drives a real Neovim (0.10+) against leaf-lsp, headless; run by test_neovim.py.
-- Environment: LEAF_PYTHON (interpreter with leaf_lsp), LEAF_ROOT, LEAF_FILE, LEAF_OUT (JSON result).
local py = os.getenv("LEAF_PYTHON")
local root = os.getenv("LEAF_ROOT")
local file = os.getenv("LEAF_FILE")
local out = os.getenv("LEAF_OUT")
local result = { errors = {} }

local function finish()
  local handle = io.open(out, "w")
  handle:write(vim.json.encode(result))
  handle:close()
  vim.cmd("qa!")
end

local function diag_list(buf)
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(items, { line = d.lnum, col = d.col, end_col = d.end_col, code = d.code, source = d.source,
      severity = d.severity, message = d.message })
  end
  table.sort(items, function(a, b) return a.line < b.line end)
  return items
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = "python"
  local client_id = vim.lsp.start({
    name = "leaf-lsp",
    cmd = { py, "-m", "leaf_lsp.lsp" },
    root_dir = root,
  }, { bufnr = buf })
  result.client_started = client_id ~= nil
  vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  result.diagnostics = diag_list(buf)
  local client = vim.lsp.get_client_by_id(client_id)
  result.offset_encoding = client.offset_encoding

  -- Inlay hints, through the editor's own display path and a direct request.
  vim.lsp.inlay_hint.enable(true, { bufnr = buf })
  local line_count = vim.api.nvim_buf_line_count(buf)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    range = { start = { line = 3, character = 0 }, ["end"] = { line = line_count, character = 0 } },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/inlayHint", params, 10000) or {}
  result.inlay_hints = {}
  for _, response in pairs(responses) do
    for _, hint in ipairs(response.result or {}) do
      local label = hint.label
      if type(label) == "table" then label = label[1].value end
      table.insert(result.inlay_hints, { line = hint.position.line, character = hint.position.character, label = label })
    end
  end
  vim.wait(3000, function() return #vim.lsp.inlay_hint.get({ bufnr = buf }) > 0 end, 50)
  result.displayed_hints = #vim.lsp.inlay_hint.get({ bufnr = buf })

  -- Hover on the first diagnostic.
  local first = result.diagnostics[1]
  if first then
    local hover_params = {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      position = { line = first.line, character = first.col },
    }
    local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", hover_params, 10000) or {}
    for _, response in pairs(hover) do
      if response.result then result.hover = response.result.contents.value end
    end

    -- Quick fix: request code actions at the diagnostic and apply the preferred one.
    local action_params = {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      range = { start = { line = first.line, character = first.col }, ["end"] = { line = first.line, character = first.col } },
      context = { diagnostics = vim.lsp.diagnostic.from(vim.diagnostic.get(buf)), only = { "quickfix" } },
    }
    local actions = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", action_params, 10000) or {}
    result.action_titles = {}
    local chosen = nil
    for _, response in pairs(actions) do
      for _, action in ipairs(response.result or {}) do
        table.insert(result.action_titles, action.title)
        if action.isPreferred and chosen == nil then chosen = action end
      end
    end
    if chosen then
      vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
      result.applied = chosen.title
      vim.wait(10000, function()
        for _, d in ipairs(vim.diagnostic.get(buf)) do
          if d.code == first.code then return false end
        end
        return true
      end, 50)
      result.after_fix = diag_list(buf)
      result.text_after_fix = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
    end
  end
end)
if not ok then table.insert(result.errors, tostring(err)) end
finish()
