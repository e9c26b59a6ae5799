"""`barnet-rag check`: every problem in a project's files, as data."""
