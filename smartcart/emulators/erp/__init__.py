"""A Presence-style ERP emulator: products, stock, orders and invoices over REST (seed 002)."""
