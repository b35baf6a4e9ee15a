"""Separate processes for the demo and the tests (billing simulator, payment sandboxes).

Product code never imports anything from here.
"""
