"""Security: users, roles, permissions, audit trail (hash chain), OPC UA trust list.

Revision ID: 0002_security
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_security"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# Tables this revision creates: a database made before migrations existed (create_all)
# is adopted by stamping this revision when all of them are there (app.db.migrate).
creates = ("security_roles", "security_role_permissions", "security_users", "security_user_roles", "security_audit", "security_audit_head", "security_opcua_trust",)



def upgrade() -> None:
    op.create_table(
        "security_roles",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_security_roles")),
    )
    op.create_table(
        "security_role_permissions",
        sa.Column("role_name", sa.String(64), nullable=False),
        sa.Column("permission", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(["role_name"], ["security_roles.name"], ondelete="CASCADE",
                                name=op.f("fk_security_role_permissions_role_name_security_roles")),
        sa.PrimaryKeyConstraint("role_name", "permission", name=op.f("pk_security_role_permissions")),
    )
    op.create_table(
        "security_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_users")),
        sa.UniqueConstraint("username", name=op.f("uq_security_users_username")),
    )
    op.create_table(
        "security_user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_name", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["role_name"], ["security_roles.name"], ondelete="CASCADE",
                                name=op.f("fk_security_user_roles_role_name_security_roles")),
        sa.ForeignKeyConstraint(["user_id"], ["security_users.id"], ondelete="CASCADE",
                                name=op.f("fk_security_user_roles_user_id_security_users")),
        sa.PrimaryKeyConstraint("user_id", "role_name", name=op.f("pk_security_user_roles")),
    )
    op.create_table(
        "security_audit",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("console", sa.String(100), nullable=False),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("second_user", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_security_audit")),
        sa.UniqueConstraint("event_id", name=op.f("uq_security_audit_event_id")),
    )
    op.create_index(op.f("ix_security_audit_ts"), "security_audit", ["ts"])
    op.create_index(op.f("ix_security_audit_category"), "security_audit", ["category"])
    op.create_table(
        "security_audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_audit_head")),
    )
    op.create_table(
        "security_opcua_trust",
        sa.Column("thumbprint", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("endpoint", sa.String(400), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("thumbprint", name=op.f("pk_security_opcua_trust")),
    )


def downgrade() -> None:
    op.drop_table("security_opcua_trust")
    op.drop_table("security_audit_head")
    op.drop_index(op.f("ix_security_audit_category"), table_name="security_audit")
    op.drop_index(op.f("ix_security_audit_ts"), table_name="security_audit")
    op.drop_table("security_audit")
    op.drop_table("security_user_roles")
    op.drop_table("security_users")
    op.drop_table("security_role_permissions")
    op.drop_table("security_roles")
