"""Config text -> `Device`. See `parse_device`."""
