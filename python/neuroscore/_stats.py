"""Statistics: scores, nulls, FWER/FDR, bootstrap CIs (filled in by stats bindings)."""
__all__ = []
