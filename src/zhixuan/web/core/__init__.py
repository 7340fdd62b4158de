"""Shared shell of the web app: layout, home page, language switch, translation compiler."""
