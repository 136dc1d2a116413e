"""An emulated cashless NFC terminal speaking API v4 (seed 003), with a control API for tests."""
