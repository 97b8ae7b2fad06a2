"""The only code that talks to DuckDB: the warehouse file, its schema, its reads and writes."""

from stabilis.store.warehouse import SCHEMA_VERSION, Warehouse

__all__ = ["SCHEMA_VERSION", "Warehouse"]
