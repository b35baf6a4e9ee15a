from django.contrib.auth.tokens import PasswordResetTokenGenerator

from tenants.db import current_schema


class SchemaBoundTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset tokens that carry the schema they were issued in.

    User ids repeat across providers (every schema starts at 1), so a plain token for user 1 at one
    provider could otherwise be checked against user 1 at another.
    """

    key_salt = "kabinet.users.SchemaBoundTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{current_schema()}:{super()._make_hash_value(user, timestamp)}"


password_reset_token_generator = SchemaBoundTokenGenerator()
