"""The built-in rule pack (YAML data). Installed as ``unionfacts._patterns``."""
