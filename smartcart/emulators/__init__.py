"""Stand-ins for the store's outside systems (cashless terminal, ERP), for tests, demo and homologation."""
