"""Pure domain logic: prices, ranking, corridor statistics. Decimal only; no Flask, SQLAlchemy or I/O."""
