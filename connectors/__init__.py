"""Adapters to the outside world: billing systems (billing/<kind>/) and payment gateways
(payments/<kind>/), each behind one protocol. They take and return typed data and never import
the cabinet's models. The billing connectors arrive with the connectors work."""
