"""SQL history (SQLAlchemy): schema, writer, reader, retention. No Qt."""
