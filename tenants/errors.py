from django.core.exceptions import ValidationError


class ProvisioningError(ValidationError):
    """A provider could not be created; `message_dict` says which answer is wrong and why.
    Nothing was written."""


class WrongSchemaError(RuntimeError):
    """A task or job was about to touch a schema other than the provider it was given."""
