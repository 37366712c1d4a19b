"""Configuration files (issuer profiles) and the YAML reading they share with rule files."""
