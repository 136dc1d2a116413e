"""The cart agent: reads the cart's hardware, publishes telemetry, runs hardware commands."""
