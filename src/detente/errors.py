"""Domain errors. Each message quotes the bad input and says what to do about it."""

# Why an input was not ingested, as the rejects table's `kind` column counts it. A small fixed
# vocabulary, so that a run's summary and a query over many runs group alike.
REJECT_KINDS = (
    "empty",            # no text at all, or none left after cleaning
    "binary",           # bytes that are no text (an image, a PDF, a zip)
    "too_large",        # over the size limit of one article, file or download
    "bad_encoding",     # not UTF-8 (nor the charset the source declares)
    "not_english",      # another language, detected with confidence
    "malformed_json",   # a JSONL line that is no JSON object, or one without a text field
    "malformed_csv",    # a CSV file or row without the text column, or broken quoting
    "malformed_html",   # declared HTML that has no markup or cannot be parsed
    "malformed_feed",   # an RSS/Atom file that is not well-formed
    "malformed_warc",   # a WARC file that is truncated or corrupt from some record on
    "invalid_date",     # a record's or item's date that is not a date
    "fetch_failed",     # a URL that could not be fetched (network error, HTTP error, timeout)
    "refused_address",  # a URL whose host is private, loopback, link-local, … (SSRF guard)
    "invalid_record",   # an imported event whose fields are missing, too many or too few, or out of range
    "unreadable",       # anything else: a missing file, a directory, an unknown kind of input
)


class DetenteError(Exception):
    """Base class: the CLI turns these into one clean line and a non-zero exit."""


class InputError(DetenteError):
    """A document or argument that cannot be read as an article; `kind` is one of REJECT_KINDS."""

    def __init__(self, message: str = "", kind: str = "unreadable"):
        if kind not in REJECT_KINDS:
            raise ValueError(f"unknown reject kind {kind!r}: use one of {', '.join(REJECT_KINDS)}")
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):
        # the default pickling passes only args, so a worker's error would lose its kind
        return (type(self), (str(self), self.kind))


class KnowledgeError(DetenteError):
    """A knowledge table (ours or a user's) that is malformed."""
