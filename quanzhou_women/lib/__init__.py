"""Small helpers shared by the portal's apps."""
