"""SmartCart code shared by every tier and agent. Never imports Django."""
