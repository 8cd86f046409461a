"""The IKE simulation. See `simulate_pair`."""
