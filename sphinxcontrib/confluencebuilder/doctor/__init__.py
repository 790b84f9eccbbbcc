"""The connection doctor behind ``connection-test``: option and environment listing,
sanity checks, live checks through the publishing session, and diagnosis texts."""
