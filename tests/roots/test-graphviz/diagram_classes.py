"""Classes for the inheritance diagram of the test root."""


class Base:
    """The base class."""


class Child(Base):
    """A subclass."""
