"""The book machinery: the build, notebook execution, Sphinx extension, ledger, publishing, tools."""
