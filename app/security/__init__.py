"""Users, roles, permissions, audit trail, secrets and certificates. No Qt."""
