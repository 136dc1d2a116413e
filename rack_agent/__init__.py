"""The rack agent: reports which cart is in which slot and drives slot power."""
