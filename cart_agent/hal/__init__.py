"""Cart hardware: the interface (base.py) and its drivers (simulated.py)."""
