"""Pure rules: decisions made from values, with no reads or writes of their own (services and selectors call them)."""
