"""Pure privacy functions: no Flask, no database."""
