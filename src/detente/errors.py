"""Domain errors. Each message quotes the bad input and says what to do about it."""


class DetenteError(Exception):
    """Base class: the CLI turns these into one clean line and a non-zero exit."""


class InputError(DetenteError):
    """A document or argument that cannot be read as an article."""


class KnowledgeError(DetenteError):
    """A knowledge table (ours or a user's) that is malformed."""
