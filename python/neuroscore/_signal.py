"""Ceilings, variance partitioning, FIR delays, Lanczos resampling."""
__all__ = []
