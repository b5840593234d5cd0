"""The lambda-leak language server: adapts the engine's findings and fixes to LSP.

It holds no analysis of its own; every finding comes from `lambda_leak.engine.analyse_source`.
"""
