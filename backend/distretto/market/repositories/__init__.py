"""Every query of the market, one module per aggregate (see ``market/repository.py``)."""
