"""The package version, in a module of its own so that no subpackage imports the root package."""

__version__ = "0.1.0"
