"""The `zhixuan` command line."""
