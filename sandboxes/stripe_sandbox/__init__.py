"""A local stand-in for the part of Stripe's API Kabinet uses; see `app.py`."""
