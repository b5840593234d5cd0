"""Rules for JavaScript, TypeScript and TSX handlers (one module per rule)."""
