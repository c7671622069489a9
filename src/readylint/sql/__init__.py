"""SQL facts shared by rules: statement splitting, schema operations, the schema model."""
