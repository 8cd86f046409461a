"""asalint: static prediction of ASA/PIX/IOS site-to-site VPN outcomes."""

__version__ = "0.1.0"
