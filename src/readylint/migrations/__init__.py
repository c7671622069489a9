"""Migration histories: which files belong to which tool's history, in what order."""
