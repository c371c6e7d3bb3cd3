"""Regularized regression (in progress)."""
