"""What the rack and cart agents share: config, MQTT transport, on-disk outbox, command desk,
and the sampling loop. No Django, no heavy imports: an agent must stay well under 40 MB."""
