"""The one exception the code generator raises for bad input."""


class CodegenError(Exception):
    """A schema or CDT definition that cannot be turned into models; the message says where."""
