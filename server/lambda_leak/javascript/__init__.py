"""JavaScript / TypeScript analysis on tree-sitter: parsing, the module model, handlers,
handler paths and promise knowledge. Rules live in `lambda_leak.rules.javascript`."""
