"""A local billing system speaking the Portal Billing Connector API v1 over real HTTP.

It runs as its own process (`python -m sandboxes.billing_simulator`), uses only the standard
library and imports nothing from Kabinet. See README.md in this folder.
"""
